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
 * Builds a Hugging Face {@code tokenizer.json} for a base model trained here, with SentencePiece-
 * style spaces (the Metaspace pre-tokenizer: a space becomes "▁" and starts a new piece), double
 * quotes split off as their own pieces, and the Metaspace decoder, so that decoding restores the
 * text exactly. Catalogue titles and prompt templates are all the model ever reads or writes.
 *
 * <p>The vocabulary is bounded, so that the model's cost does not grow with a catalogue's wording:
 * <ul>
 *   <li>when every distinct piece of the texts fits the budget, a word-level vocabulary of them
 *       (a piece is one token; MovieLens' titles and prompts need about 3,000);</li>
 *   <li>otherwise byte-pair encoding (Sennrich et al., 2016) learned on the texts: pieces start as
 *       characters, and the most frequent adjacent pair is merged until the budget is reached, so
 *       frequent words stay whole and rare ones (long product titles' model numbers) split into
 *       sub-words. Merges never cross a piece, so a title's tokens continue a prompt's as the
 *       title trie requires.</li>
 * </ul>
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

  /** The default vocabulary budget: MovieLens' pieces fit whole, Amazon-style catalogues get sub-words. */
  public static final int DEFAULT_MAX_VOCAB = 4096;

  /** {@link #train(Iterable, Path, int)} with {@link #DEFAULT_MAX_VOCAB}. */
  public static int train(Iterable<String> texts, Path tokenizerJson) throws IOException {
    return train(texts, tokenizerJson, DEFAULT_MAX_VOCAB);
  }

  /**
   * Writes a tokenizer.json for {@code texts} with at most {@code maxVocab} tokens (specials
   * included): word-level when the distinct pieces fit, else BPE.
   *
   * @return the vocabulary size
   */
  public static int train(Iterable<String> texts, Path tokenizerJson, int maxVocab) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (String t : texts) {
      for (String p : pieces(t)) {
        counts.merge(p, 1, Integer::sum);
      }
    }
    if (counts.size() + SPECIALS.size() > maxVocab) {
      return trainBpe(counts, tokenizerJson, maxVocab);
    }
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort((a, b) -> {
      int c = Integer.compare(b.getValue(), a.getValue());
      return c != 0 ? c : a.getKey().compareTo(b.getKey());
    });
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String special : SPECIALS) {
      vocab.put(special, vocab.size());
    }
    for (Map.Entry<String, Integer> e : sorted) {
      vocab.putIfAbsent(e.getKey(), vocab.size());
    }
    write(vocab, null, tokenizerJson);
    return vocab.size();
  }

  static final List<String> SPECIALS = List.of(UNK, BOS, EOS, PAD);

  /**
   * BPE over the pieces (weighted by their counts): the alphabet of every character, then merges of
   * the most frequent adjacent pair (ties: the pair of lower symbol ids, i.e. formed earlier) until
   * the budget or until no pair occurs twice. Pair counts are kept up to date incrementally: a merge
   * only revisits the pieces that contain the merged pair.
   */
  static int trainBpe(Map<String, Integer> counts, Path file, int maxVocab) throws IOException {
    List<String> pieces = new ArrayList<>(counts.keySet());
    pieces.sort(null);
    java.util.TreeSet<String> alphabet = new java.util.TreeSet<>();
    pieces.forEach(p -> p.codePoints().forEach(cp -> alphabet.add(new String(Character.toChars(cp)))));
    List<String> symbols = new ArrayList<>(SPECIALS);
    Map<String, Integer> idOf = new HashMap<>();
    for (String sym : symbols) {
      idOf.put(sym, idOf.size());
    }
    for (String c : alphabet) {
      idOf.putIfAbsent(c, symbols.size());
      if (idOf.get(c) == symbols.size()) {
        symbols.add(c);
      }
    }
    List<List<Integer>> words = new ArrayList<>(pieces.size());
    int[] weight = new int[pieces.size()];
    Map<Long, Long> pairCount = new HashMap<>();
    Map<Long, java.util.Set<Integer>> pairWords = new HashMap<>();
    for (int w = 0; w < pieces.size(); w++) {
      List<Integer> seq = new ArrayList<>();
      pieces.get(w).codePoints().forEach(cp -> seq.add(idOf.get(new String(Character.toChars(cp)))));
      words.add(seq);
      weight[w] = counts.get(pieces.get(w));
      count(seq, w, weight[w], pairCount, pairWords, 1);
    }
    java.util.PriorityQueue<long[]> heap = new java.util.PriorityQueue<>((a, b) -> a[0] != b[0]
        ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
    pairCount.forEach((k, c) -> heap.add(new long[] {c, k}));
    List<String[]> merges = new ArrayList<>();
    while (symbols.size() < maxVocab && !heap.isEmpty()) {
      long[] top = heap.poll();
      long key = top[1];
      long current = pairCount.getOrDefault(key, 0L);
      if (current != top[0]) {
        if (current > 0) {
          heap.add(new long[] {current, key}); // stale entry: requeue with the count it has now
        }
        continue;
      }
      if (current < 2) {
        break; // no pair occurs twice: more merges would only memorise single words
      }
      int left = (int) (key >>> 32);
      int right = (int) key;
      String merged = symbols.get(left) + symbols.get(right);
      Integer mergedId = idOf.get(merged);
      if (mergedId == null) {
        mergedId = symbols.size();
        idOf.put(merged, mergedId);
        symbols.add(merged);
      }
      merges.add(new String[] {symbols.get(left), symbols.get(right)});
      java.util.Set<Long> touched = new java.util.HashSet<>();
      for (int w : List.copyOf(pairWords.getOrDefault(key, java.util.Set.of()))) {
        List<Integer> seq = words.get(w);
        count(seq, w, weight[w], pairCount, pairWords, -1);
        for (int i = 0; i + 1 < seq.size(); i++) {
          if (seq.get(i) == left && seq.get(i + 1) == right) {
            seq.set(i, mergedId);
            seq.remove(i + 1);
          }
        }
        count(seq, w, weight[w], pairCount, pairWords, 1);
        for (int i = 0; i + 1 < seq.size(); i++) {
          touched.add(pair(seq.get(i), seq.get(i + 1)));
        }
      }
      for (long t : touched) {
        Long c = pairCount.get(t);
        if (c != null && c > 0) {
          heap.add(new long[] {c, t});
        }
      }
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int i = 0; i < symbols.size(); i++) {
      vocab.put(symbols.get(i), i);
    }
    write(vocab, merges, file);
    return vocab.size();
  }

  private static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  /** Adds ({@code sign} 1) or removes (-1) the adjacent pairs of one piece from the counts. */
  private static void count(List<Integer> seq, int word, int weight, Map<Long, Long> pairCount,
      Map<Long, java.util.Set<Integer>> pairWords, int sign) {
    for (int i = 0; i + 1 < seq.size(); i++) {
      long k = pair(seq.get(i), seq.get(i + 1));
      long c = pairCount.getOrDefault(k, 0L) + (long) sign * weight;
      if (c <= 0) {
        pairCount.remove(k);
        java.util.Set<Integer> ws = pairWords.get(k);
        if (ws != null) {
          ws.remove(word);
        }
      } else {
        pairCount.put(k, c);
        if (sign > 0) {
          pairWords.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(word);
        }
      }
    }
  }

  private static void write(Map<String, Integer> vocab, List<String[]> merges, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String special : SPECIALS) {
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
    if (merges == null) {
      model.put("type", "WordLevel");
      ObjectNode v = model.putObject("vocab");
      vocab.forEach(v::put);
      model.put("unk_token", UNK);
    } else {
      model.put("type", "BPE");
      model.putNull("dropout");
      model.put("unk_token", UNK);
      model.putNull("continuing_subword_prefix");
      model.putNull("end_of_word_suffix");
      model.put("fuse_unk", false);
      model.put("byte_fallback", false);
      ObjectNode v = model.putObject("vocab");
      vocab.forEach(v::put);
      ArrayNode m = model.putArray("merges");
      for (String[] pair : merges) {
        m.addArray().add(pair[0]).add(pair[1]);
      }
    }
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
