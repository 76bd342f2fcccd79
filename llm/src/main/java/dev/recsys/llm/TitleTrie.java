package dev.recsys.llm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A prefix trie of the catalogue's titles in token space, for catalogue-constrained beam search
 * (as in D3, EMNLP 2024): every path from the root is the token sequence the model emits for one
 * title's response ({@code  "Title"}) followed by eos, so a beam restricted to the trie can only
 * end on a real item. Built once per release; read-only and thread-safe afterwards.
 */
public final class TitleTrie implements Decoding.Constraint {
  private static final class Node {
    final Map<Long, Node> children = new HashMap<>();
    long[] allowed = new long[0];
  }

  private final Node root = new Node();
  private final int depth;
  private final int titles;

  private TitleTrie(List<long[]> sequences) {
    int max = 0;
    for (long[] seq : sequences) {
      Node n = root;
      for (long t : seq) {
        n = n.children.computeIfAbsent(t, k -> new Node());
      }
      max = Math.max(max, seq.length);
    }
    freeze(root);
    this.depth = max;
    this.titles = sequences.size();
  }

  private static void freeze(Node n) {
    n.allowed = n.children.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    n.children.values().forEach(TitleTrie::freeze);
  }

  /**
   * Tokenizes every title as the model generates it after a prompt: the tokens of
   * {@code prompt + response(title)} after the prompt's own tokens, then eos.
   *
   * @throws IllegalArgumentException if a title's tokens do not continue the prompt's (a tokenizer
   *     that merges across the prompt/response boundary cannot be constrained this way)
   */
  public static TitleTrie build(Tokenizer tokenizer, Prompts prompts, List<String> titles, long eos) {
    String prompt = prompts.recommend(List.of("x"));
    long[] head = tokenizer.encode(prompt);
    List<long[]> sequences = new ArrayList<>(titles.size());
    for (String title : titles) {
      long[] all = tokenizer.encode(prompt + Prompts.response(title));
      if (all.length <= head.length || !Arrays.equals(Arrays.copyOf(all, head.length), head)) {
        throw new IllegalArgumentException("title '" + title + "' does not tokenize as a continuation of the prompt");
      }
      long[] seq = Arrays.copyOfRange(all, head.length, all.length + 1);
      seq[seq.length - 1] = eos;
      sequences.add(seq);
    }
    return new TitleTrie(sequences);
  }

  @Override
  public long[] allowed(long[] generated) {
    Node n = root;
    for (long t : generated) {
      n = n.children.get(t);
      if (n == null) {
        return new long[0];
      }
    }
    return n.allowed;
  }

  /** Tokens of the longest title, eos included: the most new tokens a constrained beam needs. */
  public int depth() {
    return depth;
  }

  public int titles() {
    return titles;
  }
}
