package dev.recsys.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * BIGRec's generation step: the base model with a LoRA adapter reads the recommendation prompt
 * for a history of titles and proposes the next title by beam search. Beams that decode to the
 * same title are merged (the best score is kept). Thread-safe: the weights are read-only and
 * every call decodes in its own memory scope.
 */
public final class TitleGenerator implements AutoCloseable {
  /** One proposed title, its beam score (log-probability, by default length-normalised) and its token count. */
  public record Generated(String text, double score, int tokens) {}

  private final NDManager manager;
  private final Tokenizer tokenizer;
  private final Decoding tuned;
  private final Prompts prompts;
  private final long bos;
  private final long eos;
  private final LlamaConfig config;

  /**
   * @param baseDir    Hugging Face checkpoint with its tokenizer.json
   * @param adapterDir PEFT adapter trained on that base
   */
  public TitleGenerator(Path baseDir, Path adapterDir, Prompts prompts) {
    this(baseDir, adapterDir, prompts, true);
  }

  /**
   * @param mergeAdapter fold the adapter into the base weights and fuse the projections that read
   *     the same input ({@link LlamaModel#prepareForInference}; the default): the same outputs up
   *     to float rounding, fewer native ops per step. Off only to measure what it saves.
   */
  public TitleGenerator(Path baseDir, Path adapterDir, Prompts prompts, boolean mergeAdapter) {
    this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      LlamaModel model = LlamaCheckpoint.load(baseDir, manager, LoraAdapter.config(adapterDir));
      LoraAdapter.load(model, adapterDir, manager);
      if (mergeAdapter) {
        model.prepareForInference(); // generation only: adapter merged, q/k/v and gate/up fused
      }
      this.tokenizer = Tokenizer.load(baseDir.resolve(ModelFiles.TOKENIZER));
      this.tuned = new Decoding(model, manager);
      this.bos = model.config().bosTokenId();
      this.eos = model.config().eosTokenId();
      this.config = model.config();
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.prompts = prompts;
    cachePromptPrefix(true);
  }

  /**
   * Where the prompts of asks that join a running batch are prefilled ({@link
   * Decoding#prefillJoinersOn}): null, on the batch's thread; else on {@code executor}, while the
   * batch steps.
   */
  public void prefillJoinersOn(Executor executor) {
    tuned.prefillJoinersOn(executor);
  }

  /**
   * Whether the recommendation prompt's fixed beginning (the instruction, up to the history's first
   * title) is run once and its keys and values reused by every prompt (on from construction; off
   * only to measure what it saves). Results are the same up to float rounding.
   *
   * @return the number of tokens cached
   */
  public int cachePromptPrefix(boolean on) {
    tuned.cachePrefix(on ? promptIds(List.of()) : new long[0]);
    return tuned.cachedPrefixLength();
  }

  /**
   * Whether constrained beam search scores the rest of a title that is the only one under a
   * beam's beginning in one forward pass instead of a decoding step per token (on from
   * construction; off only to measure what it saves). Results are the same up to float rounding.
   */
  public void scoreForcedRestsAtOnce(boolean on) {
    tuned.forcedLookahead(on);
  }

  /** The prompt's token ids (bos + prompt text, no eos) that generation continues. */
  public long[] promptIds(List<String> historyTitles) {
    long[] ids = ModelFiles.ids(tokenizer, prompts.recommend(historyTitles), bos, eos);
    return Arrays.copyOf(ids, ids.length - 1);
  }

  /** The prompt text for a history of titles, as the trainer wrote it (for remote backends). */
  public String promptText(List<String> historyTitles) {
    return prompts.recommend(historyTitles);
  }

  /**
   * A trie of these catalogue titles for {@link #generate(List, int, int, TitleTrie)}: build once
   * per catalogue.
   */
  public TitleTrie trie(List<String> catalogueTitles) {
    return TitleTrie.build(tokenizer, prompts, catalogueTitles, eos);
  }

  /**
   * Up to {@code beams} distinct titles, best first.
   *
   * @param maxNewTokens generation stops there if the title has not ended (eos) before
   */
  public List<Generated> generate(List<String> historyTitles, int beams, int maxNewTokens) {
    return generate(historyTitles, beams, maxNewTokens, null);
  }

  /**
   * As {@link #generate(List, int, int)}, restricted to the titles of {@code trie} when it is not
   * null: every result is then a catalogue title (and generation runs to the trie's depth).
   */
  public List<Generated> generate(List<String> historyTitles, int beams, int maxNewTokens, TitleTrie trie) {
    return generate(List.of(new Ask(historyTitles, beams, maxNewTokens, trie))).get(0);
  }

  /**
   * One generation of a batch: a history, the titles wanted (beams), the token limit, an optional
   * constraint (a {@link TitleTrie}, or a request's {@link TitleTrie.View} that also leaves out
   * seen items and may carry D3's assistant), whether scores are length-normalised, and the
   * assistant's weight λ; or candidates to rank instead, with the weight β of their titles' prior
   * ({@link CandidateScore}).
   */
  public record Ask(List<String> historyTitles, int beams, int maxNewTokens, Decoding.Constraint constraint,
      boolean lengthNormalised, double assistantWeight, Candidates candidates, double priorWeight) {
    public Ask {
      if (priorWeight > 0 && (candidates == null || candidates.priorLogProbs() == null)) {
        throw new IllegalArgumentException("a prior weight needs candidates with their titles' prior log-probabilities");
      }
    }

    /** A beam search (no candidates to rank). */
    public Ask(List<String> historyTitles, int beams, int maxNewTokens, Decoding.Constraint constraint,
        boolean lengthNormalised, double assistantWeight) {
      this(historyTitles, beams, maxNewTokens, constraint, lengthNormalised, assistantWeight, null, 0);
    }

    /** BIGRec's generation: length-normalised beams, no assistant; {@code trie} may be null (free). */
    public Ask(List<String> historyTitles, int beams, int maxNewTokens, TitleTrie trie) {
      this(historyTitles, beams, maxNewTokens, trie, true, 0);
    }

    /**
     * Ranking given catalogue items instead of decoding (a sequential model retrieves, the LLM
     * ranks, as in LlamaRec), each candidate scored as {@code score} says ({@link CandidateScore}:
     * with no prior and summed log-probabilities, the exact form of D3's beam score).
     */
    public static Ask rank(List<String> historyTitles, Candidates candidates, CandidateScore score) {
      return new Ask(historyTitles, Math.max(1, candidates.rows().length), 1, null, score.perToken(),
          score.assistantWeight(), candidates, score.needsPrior() ? score.priorWeight() : 0);
    }

    /** How a ranking ask scores its candidates. */
    public CandidateScore score() {
      return new CandidateScore(assistantWeight, priorWeight, lengthNormalised);
    }
  }

  /**
   * Catalogue items to rank: their rows in a title trie (which holds their token paths), the
   * assistant's log-probability of each and, when the score reads it, the LLM's log-probability of
   * each title without a history ({@link #titlePriors}), else null.
   */
  public record Candidates(TitleTrie trie, int[] rows, double[] assistantLogProbs, double[] priorLogProbs) {
    public Candidates {
      if (rows.length != assistantLogProbs.length) {
        throw new IllegalArgumentException(rows.length + " candidates but " + assistantLogProbs.length
            + " assistant log-probabilities");
      }
      if (priorLogProbs != null && priorLogProbs.length != rows.length) {
        throw new IllegalArgumentException(rows.length + " candidates but " + priorLogProbs.length
            + " prior log-probabilities");
      }
    }

    /** Candidates without their titles' prior. */
    public Candidates(TitleTrie trie, int[] rows, double[] assistantLogProbs) {
      this(trie, rows, assistantLogProbs, null);
    }
  }

  /**
   * Several generations in one batch (their beams run through the model together); each result is
   * the one {@link #generate(List, int, int, TitleTrie)} gives for that ask alone. Asks that rank
   * candidates run one by one.
   */
  public List<List<Generated>> generate(List<Ask> asks) {
    List<List<Generated>> out = new ArrayList<>(java.util.Collections.nCopies(asks.size(), (List<Generated>) null));
    generate(asks, out::set);
    return out;
  }

  /**
   * As {@link #generate(List)}, handing each ask's titles to {@code finished} (with the ask's
   * index) as soon as its beam search ends, while the rest of the batch goes on.
   */
  public void generate(List<Ask> asks, BiConsumer<Integer, List<Generated>> finished) {
    generate(asks, finished, Arrivals.none());
  }

  /**
   * As {@link #generate(List, BiConsumer)}, with asks joining the batch's beam searches while they
   * run, as {@code arrivals} hands them over (indexes after {@code asks}', in that order). An ask
   * fits when it is a beam search whose prompt shares the batch's cached prefix; an ask that ranks
   * candidates never does.
   */
  public void generate(List<Ask> asks, BiConsumer<Integer, List<Generated>> finished, Arrivals<Ask> arrivals) {
    List<Integer> beamAsks = new ArrayList<>();
    for (int i = 0; i < asks.size(); i++) {
      Ask a = asks.get(i);
      if (a.candidates() == null) {
        beamAsks.add(i);
      } else {
        Candidates c = a.candidates();
        finished.accept(i, rank(c, logLikelihoods(a.historyTitles(), c.trie(), c.rows()), a.score()));
      }
    }
    if (beamAsks.isEmpty()) {
      return;
    }
    // by the searches' index: the ask's index and the ask (joined asks are appended)
    List<Ask> beams = new ArrayList<>(beamAsks.stream().map(asks::get).toList());
    int[] joined = {0};
    Arrivals<Decoding.BeamRequest> joining = fits -> {
      Map<Ask, Decoding.BeamRequest> built = new IdentityHashMap<>();
      List<Ask> got = arrivals.take(a -> a.candidates() == null
          && fits.test(built.computeIfAbsent(a, x -> request(x, promptIds(x.historyTitles())))));
      for (Ask a : got) {
        beamAsks.add(asks.size() + joined[0]++);
        beams.add(a);
      }
      return got.stream().map(built::get).toList();
    };
    tuned.beams(beams.stream().map(a -> request(a, promptIds(a.historyTitles()))).toList(),
        (i, hypotheses) -> finished.accept(beamAsks.get(i), titles(hypotheses, beams.get(i))), joining);
  }

  /** The LLM's log-probability of each row's title after the recommendation prompt (summed, eos included). */
  public double[] logLikelihoods(List<String> historyTitles, TitleTrie trie, int[] rows) {
    List<long[]> tokens = new ArrayList<>(rows.length);
    for (int r : rows) {
      tokens.add(trie.tokens(r));
    }
    return tuned.logLikelihoods(promptIds(historyTitles), tokens);
  }

  /**
   * The LLM's log-probability of every title of {@code trie} after the recommendation prompt with
   * no history (summed, eos included): each title's prior, which {@link CandidateScore} can take out
   * of its likelihood after a user's history. Computed in batches of a fixed composition (rows in
   * order, {@value #PRIOR_BATCH} at a time), so the same model gives the same numbers every time;
   * the batches run in parallel on the common pool (each on its own PyTorch thread).
   */
  public double[] titlePriors(TitleTrie trie) {
    int n = trie.titles();
    double[] out = new double[n];
    java.util.stream.IntStream.range(0, (n + PRIOR_BATCH - 1) / PRIOR_BATCH).parallel().forEach(b -> {
      int from = b * PRIOR_BATCH;
      int[] rows = java.util.stream.IntStream.range(from, Math.min(n, from + PRIOR_BATCH)).toArray();
      double[] p = logLikelihoods(List.of(), trie, rows);
      System.arraycopy(p, 0, out, from, p.length);
    });
    return out;
  }

  static final int PRIOR_BATCH = 32;

  /**
   * The candidates ordered by their {@link CandidateScore}, best first (ties keep the candidates'
   * order), as titles with that score.
   *
   * @param llm the LLM's log-probability of each candidate's title after the user's prompt
   */
  public static List<Generated> rank(Candidates c, double[] llm, CandidateScore s) {
    int[] rows = c.rows();
    if (llm.length != rows.length) {
      throw new IllegalArgumentException(rows.length + " candidates but " + llm.length + " log-likelihoods");
    }
    if (s.needsPrior() && c.priorLogProbs() == null) {
      throw new IllegalArgumentException("the score " + s + " needs the candidates' prior log-probabilities");
    }
    Integer[] order = new Integer[rows.length];
    double[] score = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      order[i] = i;
      score[i] = s.of(llm[i], s.needsPrior() ? c.priorLogProbs()[i] : 0, c.trie().tokens(rows[i]).length,
          c.assistantLogProbs()[i]);
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    List<Generated> out = new ArrayList<>(rows.length);
    Set<String> seen = new HashSet<>();
    for (int i : order) {
      String title = c.trie().title(rows[i]);
      if (title != null && seen.add(title)) {
        out.add(new Generated(title, score[i], c.trie().tokens(rows[i]).length));
      }
    }
    return out;
  }

  private Decoding.BeamRequest request(Ask a, long[] prompt) {
    // a constrained beam ends (eos) within the constraint's depth: that, not maxNewTokens, bounds it
    int limit = a.constraint() != null && a.constraint().depth() > 0 ? a.constraint().depth() : a.maxNewTokens();
    return new Decoding.BeamRequest(prompt, a.beams(), limit, eos, a.constraint(), a.lengthNormalised(),
        a.assistantWeight());
  }

  /**
   * Distinct non-empty titles of the hypotheses, best first: under a title trie the catalogue title
   * the tokens spell, else the decoded text up to its closing quote.
   */
  private List<Generated> titles(List<Decoding.Hypothesis> hypotheses, Ask ask) {
    List<Generated> titles = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    TitleTrie trie = TitleTrie.of(ask.constraint());
    for (Decoding.Hypothesis h : hypotheses) {
      String exact = trie == null ? null : trie.titleOf(h.tokens());
      String text = exact != null ? exact : clean(tokenizer.decode(strip(h.tokens())));
      if (!text.isEmpty() && seen.add(text)) {
        titles.add(new Generated(text, h.score(), h.tokens().length));
      }
    }
    return titles;
  }

  /**
   * Greedy decoding from token ids (the eos, when reached, kept last), for cross-checks with other
   * runtimes given the same ids.
   */
  public long[] greedyTokens(long[] promptIds, int maxNewTokens) {
    return tuned.greedy(promptIds, maxNewTokens, eos).tokens();
  }

  /**
   * BIGRec's beam search (length-normalised) from token ids: the raw hypotheses, best first, for
   * cross-checks with other runtimes.
   *
   * @param trie the catalogue constraint, or null for free decoding
   */
  public List<Decoding.Hypothesis> beamHypotheses(long[] promptIds, int width, int maxNewTokens, TitleTrie trie) {
    return tuned.beam(promptIds, width, maxNewTokens, eos, trie);
  }

  /** The base model's shape (for cost models). */
  public LlamaConfig config() {
    return config;
  }

  /** The model's end-of-sequence token id. */
  public long eosTokenId() {
    return eos;
  }

  /** Greedy decoding of the raw continuation (tokens after the prompt, eos removed), for parity tests. */
  public String greedyText(String promptText, int maxNewTokens) {
    long[] ids = ModelFiles.ids(tokenizer, promptText, bos, eos);
    long[] tokens = tuned.greedy(Arrays.copyOf(ids, ids.length - 1), maxNewTokens, eos).tokens();
    return tokenizer.decode(strip(tokens));
  }

  private long[] strip(long[] tokens) {
    int n = tokens.length;
    return n > 0 && tokens[n - 1] == eos ? Arrays.copyOf(tokens, n - 1) : tokens;
  }

  /** The title inside the generated text: leading quote removed, cut at the closing quote. */
  public static String clean(String generated) {
    String s = generated.strip();
    if (s.startsWith("\"")) {
      s = s.substring(1);
    }
    int end = s.indexOf('"');
    return (end >= 0 ? s.substring(0, end) : s).strip();
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
