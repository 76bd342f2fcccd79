package dev.recsys.trainer.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a Hugging Face {@code tokenizer.json} for a base model trained here: a word-level
 * vocabulary over the training texts with SentencePiece-style spaces (the Metaspace
 * pre-tokenizer: a space becomes "▁" and starts a new piece), double quotes split off as their own
 * pieces, and the Metaspace decoder, so that decoding restores the text exactly. Catalogue
 * titles and prompt templates are all the model ever reads or writes, so every piece of them is
 * in the vocabulary.
 *
 * <p>Special tokens: {@code <unk>}=0, {@code <s>}=1 (bos), {@code </s>}=2 (eos), {@code <pad>}=3.
 */
public final class TokenizerTrainer {
  public static final String UNK = "<unk>";
  public static final String BOS = "<s>";
  public static final String EOS = "</s>";
  public static final String PAD = "<pad>";
  static final char SPACE = '\u2581';
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerTrainer() {}

  /**
   * The pieces the tokenizer's pre-tokenizers make of {@code text}: Metaspace (prepend "▁",
   * spaces to "▁", split with "▁" merged into the next piece), then every '"' isolated.
   */
  static List<String> pieces(String text) {
    String s = SPACE + text.replace(' ', SPACE);
    List<String> words = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == SPACE) {
        words.add(s.substring(start, i));
        start = i;
      }
    }
    List<String> out = new ArrayList<>();
    for (String w : words) {
      int from = 0;
      for (int i = 0; i < w.length(); i++) {
        if (w.charAt(i) == '"') {
          if (i > from) {
            out.add(w.substring(from, i));
          }
          out.add("\"");
          from = i + 1;
        }
      }
      if (from < w.length()) {
        out.add(w.substring(from));
      }
    }
    return out;
  }

  /** Writes a tokenizer.json whose vocabulary holds every piece of {@code texts} (most frequent first). */
  public static int train(Iterable<String> texts, Path tokenizerJson) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (String t : texts) {
      for (String p : pieces(t)) {
        counts.merge(p, 1, Integer::sum);
      }
    }
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort((a, b) -> {
      int c = Integer.compare(b.getValue(), a.getValue());
      return c != 0 ? c : a.getKey().compareTo(b.getKey());
    });
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String special : List.of(UNK, BOS, EOS, PAD)) {
      vocab.put(special, vocab.size());
    }
    for (Map.Entry<String, Integer> e : sorted) {
      vocab.putIfAbsent(e.getKey(), vocab.size());
    }
    write(vocab, tokenizerJson);
    return vocab.size();
  }

  private static void write(Map<String, Integer> vocab, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String special : List.of(UNK, BOS, EOS, PAD)) {
      added.addObject().put("id", vocab.get(special)).put("content", special).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode seq = pre.putArray("pretokenizers");
    seq.add(metaspace());
    ObjectNode split = seq.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("String", "\"");
    split.put("behavior", "Isolated");
    split.put("invert", false);
    root.putNull("post_processor");
    root.set("decoder", metaspace());
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    model.put("unk_token", UNK);
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  private static ObjectNode metaspace() {
    ObjectNode m = JSON.createObjectNode();
    m.put("type", "Metaspace");
    m.put("replacement", String.valueOf(SPACE));
    m.put("prepend_scheme", "always");
    m.put("split", true);
    return m;
  }
}
