package dev.recsys.llm;

import java.util.List;
import java.util.stream.Collectors;

/**
 * BIGRec's instruction texts in the Alpaca layout, with the domain's nouns ("movie"/"movies" for
 * MovieLens). A title is always written in double quotes; a history lists titles oldest first,
 * joined by ", ".
 *
 * @param noun   singular noun, e.g. "movie"
 * @param plural plural noun, e.g. "movies"
 */
public record Prompts(String noun, String plural) {
  public static final String MASK = "[MASK]";
  private static final String PREAMBLE = "Below is an instruction that describes a task, paired with an input that "
      + "provides further context. Write a response that appropriately completes the request.";

  public static Prompts movies() {
    return new Prompts("movie", "movies");
  }

  /** Nouns for a dataset: MovieLens data is about movies, anything else about items. */
  public static Prompts forDataset(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).startsWith("ml") ? movies() : new Prompts("item", "items");
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
    return alpaca("Given a list of " + plural + " the user has watched before, please recommend a new " + noun
        + " that the user likes to the user.", "The user has watched the following " + plural + " before: "
        + list(history));
  }

  /** Masked item modelling: a history with one title replaced by [MASK] -> the hidden title. */
  public String maskedItem(List<String> historyWithMask) {
    return alpaca("One of the " + plural + " the user has watched is hidden as " + MASK + ". Which " + noun
        + " is hidden?", "The user has watched the following " + plural + ": " + historyWithMask.stream()
        .map(t -> t.equals(MASK) ? MASK : quote(t)).collect(Collectors.joining(", ")));
  }

  /** BPR-style preference: history + two candidates (random order) -> the one the user interacted with. */
  public String preference(List<String> history, String first, String second) {
    return alpaca("Given the " + plural + " the user has watched before, which of the two candidate " + plural
        + " will the user prefer?", "The user has watched the following " + plural + " before: " + list(history)
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
