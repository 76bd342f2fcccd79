package dev.recsys.llm;

import java.util.List;
import java.util.stream.Collectors;

/**
 * BIGRec's instruction texts in the Alpaca layout, with the domain's words ("movie", "movies",
 * "watched" for MovieLens). They come from the dataset's metadata (chosen at import, kept in
 * {@code dataset.json} and in every release's manifest), never from its name. A title is always
 * written in double quotes; a history lists titles oldest first, joined by ", ".
 *
 * @param noun   singular noun, e.g. "movie"
 * @param plural plural noun, e.g. "movies"
 * @param verb   past participle of what users did, e.g. "watched" ("The user has watched ...")
 */
public record Prompts(String noun, String plural, String verb) {
  public static final String MASK = "[MASK]";
  private static final String PREAMBLE = "Below is an instruction that describes a task, paired with an input that "
      + "provides further context. Write a response that appropriately completes the request.";

  /** Metadata keys of the words (in dataset.json's "prompt" object and a manifest's dataset map). */
  public static final String NOUN = "prompt.noun";
  public static final String PLURAL = "prompt.plural";
  public static final String VERB = "prompt.verb";

  public Prompts {
    for (String w : new String[] {noun, plural, verb}) {
      if (w == null || w.isBlank() || w.contains("\"") || w.contains("\n")) {
        throw new IllegalArgumentException("prompt words must be non-empty, without quotes or newlines: '" + w + "'");
      }
    }
  }

  /** MovieLens' words: movie, movies, watched (BIGRec's prompt). */
  public static Prompts movies() {
    return new Prompts("movie", "movies", "watched");
  }

  /** The words of a catalogue of unknown kind: item, items, interacted with. */
  public static Prompts items() {
    return new Prompts("item", "items", "interacted with");
  }

  /** The words as metadata entries ({@link #NOUN}, {@link #PLURAL}, {@link #VERB}). */
  public java.util.Map<String, String> metadata() {
    return java.util.Map.of(NOUN, noun, PLURAL, plural, VERB, verb);
  }

  /**
   * The words recorded in metadata; {@link #items()} when there are none (a release made before
   * the words were recorded).
   */
  public static Prompts fromMetadata(java.util.Map<String, String> metadata) {
    if (!metadata.containsKey(NOUN)) {
      return items();
    }
    return new Prompts(metadata.get(NOUN), metadata.getOrDefault(PLURAL, metadata.get(NOUN) + "s"),
        metadata.getOrDefault(VERB, items().verb()));
  }

  public static String quote(String title) {
    return "\"" + title + "\"";
  }

  static String list(List<String> titles) {
    return titles.stream().map(Prompts::quote).collect(Collectors.joining(", "));
  }

  private static String alpaca(String instruction, String input) {
    return PREAMBLE + " ### Instruction: " + instruction + " ### Input: " + input + " ### Response:";
  }

  /** Next-item recommendation: history titles (oldest first) -> the next title. */
  public String recommend(List<String> history) {
    return alpaca("Given a list of " + plural + " the user has " + verb + " before, please recommend a new " + noun
        + " that the user likes to the user.", "The user has " + verb + " the following " + plural + " before: "
        + list(history));
  }

  /** Masked item modelling: a history with one title replaced by [MASK] -> the hidden title. */
  public String maskedItem(List<String> historyWithMask) {
    return alpaca("One of the " + plural + " the user has " + verb + " is hidden as " + MASK + ". Which " + noun
        + " is hidden?", "The user has " + verb + " the following " + plural + ": " + historyWithMask.stream()
        .map(t -> t.equals(MASK) ? MASK : quote(t)).collect(Collectors.joining(", ")));
  }

  /** BPR-style preference: history + two candidates (random order) -> the one the user interacted with. */
  public String preference(List<String> history, String first, String second) {
    return alpaca("Given the " + plural + " the user has " + verb + " before, which of the two candidate " + plural
        + " will the user prefer?", "The user has " + verb + " the following " + plural + " before: " + list(history)
        + ". Candidates: " + quote(first) + ", " + quote(second));
  }

  /** The response a prompt is trained towards: the title in quotes. */
  public static String response(String title) {
    return " " + quote(title);
  }

  /** Pre-training text of a catalogue title. */
  public String catalogueText(String title) {
    return "The " + noun + " " + quote(title) + ".";
  }
}
