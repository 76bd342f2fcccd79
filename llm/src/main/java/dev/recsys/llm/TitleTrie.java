package dev.recsys.llm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A prefix trie of the catalogue's titles in token space, for catalogue-constrained beam search
 * (as in D3, EMNLP 2024): every path from the root is the token sequence the model emits for one
 * title's response ({@code  "Title"}) followed by eos, so a beam restricted to the trie can only
 * end on a real item. Built once per release; read-only and thread-safe afterwards.
 *
 * <p>The titles are catalogue rows (title {@code i} is row {@code i}; titles shared by several
 * rows end on the same leaf). Rows are ordered by their token paths, so every node covers one
 * contiguous range of that order: a per-request {@link View} can then leave out rows (the user's
 * history) and carry D3's text-free assistant — a distribution over rows whose mass under a node
 * gives the assistant's probability of each next token — with prefix sums, in O(rows) per request.
 */
public final class TitleTrie implements Decoding.Constraint {
  private static final class Node {
    final Map<Long, Node> children = new HashMap<>();
    long[] allowed = new long[0];
    Node[] next = new Node[0];
    /** Positions [lo, hi) of the rows under this node in {@link #order}. */
    int lo;
    int hi;
  }

  private final Node root = new Node();
  private final int depth;
  private final int titles;
  /** The title of each row, when the trie was built from titles (else null). */
  private final List<String> titleOfRow;
  /** The token path of each row (eos included). */
  private final List<long[]> tokensOfRow;
  /** Rows sorted by token path; {@code order[p]} is the row at position p. */
  private final int[] order;

  private TitleTrie(List<long[]> sequences, List<String> titleOfRow) {
    this.titles = sequences.size();
    this.titleOfRow = titleOfRow == null ? null : List.copyOf(titleOfRow);
    this.tokensOfRow = List.copyOf(sequences);
    Integer[] rows = new Integer[titles];
    for (int i = 0; i < titles; i++) {
      rows[i] = i;
    }
    Arrays.sort(rows, Comparator.comparing((Integer r) -> sequences.get(r), Arrays::compare)
        .thenComparing(Comparator.naturalOrder()));
    this.order = new int[titles];
    int max = 0;
    for (int p = 0; p < titles; p++) {
      int row = rows[p];
      order[p] = row;
      long[] seq = sequences.get(row);
      Node n = root;
      cover(n, p);
      for (long t : seq) {
        n = n.children.computeIfAbsent(t, k -> {
          Node c = new Node();
          c.lo = -1;
          return c;
        });
        cover(n, p);
      }
      max = Math.max(max, seq.length);
    }
    freeze(root);
    this.depth = max;
  }

  private static void cover(Node n, int position) {
    if (n.lo < 0 || n.hi == 0) {
      n.lo = position;
    }
    n.hi = position + 1;
  }

  private static void freeze(Node n) {
    n.allowed = n.children.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    n.next = new Node[n.allowed.length];
    for (int i = 0; i < n.allowed.length; i++) {
      n.next[i] = n.children.get(n.allowed[i]);
      freeze(n.next[i]);
    }
  }

  /**
   * Tokenizes every title as the model generates it after a prompt: the tokens of
   * {@code prompt + response(title)} after the prompt's own tokens, then eos.
   *
   * @param titles the catalogue's titles in row order
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
    return new TitleTrie(sequences, titles);
  }

  /** A trie of given token sequences (row i = sequence i, each ending with eos): for tests. */
  static TitleTrie of(List<long[]> sequences) {
    return new TitleTrie(sequences, null);
  }

  /** A trie of given token paths with a title for each row (tests: no tokenizer needed). */
  static TitleTrie of(List<long[]> sequences, List<String> titles) {
    if (titles.size() != sequences.size()) {
      throw new IllegalArgumentException(sequences.size() + " paths but " + titles.size() + " titles");
    }
    return new TitleTrie(sequences, titles);
  }

  /**
   * The catalogue title that constrained tokens spell (their first row's), or null when they end on
   * no title. Decoding the tokens back to text would cut a title at a quote inside it (a title such
   * as {@code 5-1/4" Expansion}, written between quotes in the prompt): the trie knows the title.
   */
  public String titleOf(long[] tokens) {
    int[] rows = rows(tokens);
    return rows.length == 0 || titleOfRow == null ? null : titleOfRow.get(rows[0]);
  }

  /** The tokens the model emits for row {@code row}'s title after a prompt, eos included. */
  public long[] tokens(int row) {
    return tokensOfRow.get(row).clone();
  }

  /** The title of a row, or null when the trie was built from token sequences alone. */
  public String title(int row) {
    return titleOfRow == null ? null : titleOfRow.get(row);
  }

  /** The trie behind a constraint ({@link TitleTrie} or one of its views), or null for another constraint. */
  public static TitleTrie of(Decoding.Constraint c) {
    return c instanceof TitleTrie t ? t : c instanceof View v ? v.trie() : null;
  }

  private Node find(long[] generated) {
    Node n = root;
    for (long t : generated) {
      n = n.children.get(t);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  @Override
  public long[] allowed(long[] generated) {
    Node n = find(generated);
    return n == null ? new long[0] : n.allowed;
  }

  /** Tokens of the longest title, eos included: the most new tokens a constrained beam needs. */
  @Override
  public int depth() {
    return depth;
  }

  public int titles() {
    return titles;
  }

  /** The rows whose title is exactly these tokens (eos included), in row order; empty if none. */
  public int[] rows(long[] tokens) {
    Node n = find(tokens);
    if (n == null || !n.children.isEmpty()) {
      return new int[0];
    }
    int[] rows = Arrays.copyOfRange(order, n.lo, n.hi);
    Arrays.sort(rows);
    return rows;
  }

  /**
   * This trie for one request.
   *
   * @param excludedRows rows that must not be generated (e.g. the user's history): a token is
   *                     allowed only if some row outside them lies under it
   * @param assistant    D3's text-free assistant: a probability per row (e.g. a sequential
   *                     recommender's softmax), or null for none; excluded rows count as 0
   */
  public View restrict(Set<Integer> excludedRows, float[] assistant) {
    if (assistant != null && assistant.length != titles) {
      throw new IllegalArgumentException("assistant has " + assistant.length + " rows, the trie " + titles);
    }
    int[] kept = new int[titles + 1];
    double[] mass = assistant == null ? null : new double[titles + 1];
    for (int p = 0; p < titles; p++) {
      boolean excluded = excludedRows.contains(order[p]);
      kept[p + 1] = kept[p] + (excluded ? 0 : 1);
      if (mass != null) {
        mass[p + 1] = mass[p] + (excluded ? 0 : Math.max(0f, assistant[order[p]]));
      }
    }
    return new View(kept, mass);
  }

  /**
   * The trie for one request: the tokens allowed after a prefix (only those leading to a row not
   * excluded) and, with an assistant, its log-probability of each of them: the assistant's mass
   * under the child over the mass under all allowed children (D3's token-level assistant).
   */
  public final class View implements Decoding.Constraint, Decoding.Guide {
    /** Guards log(0) as D3 does: a token whose rows the assistant gives nothing. */
    static final double EPSILON = 1e-20;

    private final int[] kept;
    private final double[] mass;

    private View(int[] kept, double[] mass) {
      this.kept = kept;
      this.mass = mass;
    }

    @Override
    public long[] allowed(long[] generated) {
      Node n = find(generated);
      if (n == null) {
        return new long[0];
      }
      int count = 0;
      for (Node c : n.next) {
        count += kept(c) > 0 ? 1 : 0;
      }
      if (count == n.next.length) {
        return n.allowed;
      }
      long[] out = new long[count];
      int i = 0;
      for (int j = 0; j < n.next.length; j++) {
        if (kept(n.next[j]) > 0) {
          out[i++] = n.allowed[j];
        }
      }
      return out;
    }

    @Override
    public double[] logProbs(long[] generated, long[] allowed) {
      if (mass == null) {
        return null;
      }
      Node n = find(generated);
      double[] m = new double[allowed.length];
      double total = 0;
      for (int i = 0; i < allowed.length; i++) {
        Node c = n == null ? null : n.children.get(allowed[i]);
        m[i] = c == null ? 0 : mass[c.hi] - mass[c.lo];
        total += m[i] + EPSILON;
      }
      for (int i = 0; i < m.length; i++) {
        m[i] = Math.log((m[i] + EPSILON) / total);
      }
      return m;
    }

    @Override
    public int depth() {
      return depth;
    }

    TitleTrie trie() {
      return TitleTrie.this;
    }

    private int kept(Node c) {
      return kept[c.hi] - kept[c.lo];
    }
  }
}
