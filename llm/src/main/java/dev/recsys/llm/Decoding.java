package dev.recsys.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Text generation with a KV cache: greedy decoding and beam search, and BIGRec's embedding mode.
 *
 * <p>Beam scores are summed log-probabilities, by default divided by the number of generated
 * tokens (Hugging Face's default length penalty of 1.0). D3 (EMNLP 2024) ranks items by the sums
 * themselves, since normalising inflates titles whose tail tokens are near-certain ("ghost
 * tokens"), and mixes a text-free assistant into every step: with a {@link Guide} and weight
 * {@code λ}, a token's log-probability is {@code (1 - λ) log p_LLM + λ log p_assistant}.
 */
public final class Decoding {
  private final LlamaModel model;
  private final ParameterStore ps;
  private volatile Prefix prefix;
  private volatile boolean forcedLookahead = true;
  private volatile Executor joinerPrefills;

  public Decoding(LlamaModel model, NDManager manager) {
    this.model = model;
    this.ps = new ParameterStore(manager, false);
  }

  /** A prompt beginning computed once: its token ids, each layer's keys and values (batch 1). */
  private record Prefix(long[] ids, NDArray[] keys, NDArray[] values, NDManager manager) {}

  /**
   * Computes the keys and values of a prompt beginning once (e.g. the fixed instruction of every
   * recommendation prompt), so that every later prompt starting with the same tokens runs only its
   * own rest: each call below reuses the longest common beginning of its prompts and this one. The
   * results are those of running the whole prompt (up to float rounding). Call before decoding
   * starts; {@code ids} empty forgets it.
   */
  public void cachePrefix(long[] ids) {
    Prefix old = prefix;
    prefix = null;
    if (old != null) {
      old.manager().close();
    }
    if (ids.length == 0) {
      return;
    }
    NDManager keep = ps.getManager().newSubManager();
    int layers = model.config().numHiddenLayers();
    NDArray[] k = new NDArray[layers];
    NDArray[] v = new NDArray[layers];
    try (NDManager m = ps.getManager().newSubManager()) {
      KvCache cache = new KvCache(layers);
      model.hidden(ps, m.create(ids, new Shape(1, ids.length)), cache, false);
      for (int l = 0; l < layers; l++) {
        k[l] = cache.keys(l);
        v[l] = cache.values(l);
        k[l].attach(keep);
        v[l].attach(keep);
      }
    }
    prefix = new Prefix(ids.clone(), k, v, keep);
  }

  /**
   * Whether beam search scores a beam's forced rest (a constraint that allows one continuation
   * only, e.g. the rest of the only title under the beam's beginning) in one forward pass and
   * takes the beam out of the batch's steps (on by default), or steps it token by token like the
   * others. Both give the same hypotheses and scores up to float rounding; off is for comparing.
   */
  public void forcedLookahead(boolean on) {
    forcedLookahead = on;
  }

  /** The length of the cached prefix (0 when none). */
  public int cachedPrefixLength() {
    Prefix p = prefix;
    return p == null ? 0 : p.ids().length;
  }

  /**
   * A batch after its prompts ran: the cache, each row's log-probabilities of the next token, and
   * how many leading positions of every row came from the cached prefix.
   */
  private record Prefilled(KvCache cache, float[][] logProbs, int shared, long startNanos, long endNanos, int rows,
      int tokens) {
    /** Tells the calling thread's observer, if any, of this prefill. */
    void report() {
      CallObserver observer = OBSERVER.get();
      if (observer != null) {
        observer.prefilled(startNanos, endNanos, rows, tokens, shared);
      }
    }
  }

  /**
   * Where the prompts of searches that join a running batch ({@link #beams(List, BiConsumer,
   * Arrivals)}) are prefilled: null (the default) on the batch's own thread, between two of its
   * steps; an executor (e.g. one more thread) runs them while the batch goes on stepping, and they
   * join at the first step after their prefill is done (prefill/decode disaggregation: a prefill
   * is one wide product per layer and gains nothing from the batch, its steps gain from sharing
   * theirs). Results are the same either way.
   */
  public void prefillJoinersOn(Executor executor) {
    this.joinerPrefills = executor;
  }

  /**
   * Told of the model calls the calling thread runs: each prompt prefill, and each decoding step
   * of a beam search (the generator turns them into spans and their attributes).
   */
  @FunctionalInterface
  public interface CallObserver {
    /**
     * @param rows the prompts run as one batch
     * @param tokens the positions computed ({@code rows} times the longest uncached rest, padding included)
     * @param cached the positions of each prompt taken from the cached prefix instead
     */
    void prefilled(long startNanos, long endNanos, int rows, int tokens, int cached);

    /**
     * A decoding step of the running batch.
     *
     * @param rows the beams that stepped (forced rests included)
     * @param positions the positions whose products it computed (every row's feed, packed: a
     *     step's attention also sees the padding to the longest feed)
     */
    default void stepped(long startNanos, long endNanos, int rows, int positions) {}
  }

  private static final ThreadLocal<CallObserver> OBSERVER = new ThreadLocal<>();

  /** Runs {@code work} on this thread with {@code observer} told of every model call it runs. */
  public static <T> T observing(CallObserver observer, Supplier<T> work) {
    CallObserver before = OBSERVER.get();
    OBSERVER.set(observer);
    try {
      return work.get();
    } finally {
      if (before == null) {
        OBSERVER.remove();
      } else {
        OBSERVER.set(before);
      }
    }
  }

  /**
   * Runs prompts of any lengths as one batch, each row's prompt ending at the last column: the
   * shared cached prefix first (the longest beginning every prompt has in common with it, short of
   * each prompt's last token), then each row's padding ({@code padToken[r]}, masked out), then the
   * rest of its prompt.
   */
  private Prefilled prefill(NDManager m, List<long[]> prompts, long[] padToken) {
    return prefill(m, prefix, prompts, padToken, Integer.MAX_VALUE);
  }

  /** As {@link #prefill(NDManager, List, long[])}, taking at most {@code most} positions from the prefix. */
  private Prefilled prefill(NDManager m, Prefix p, List<long[]> prompts, long[] padToken, int most) {
    Prefilled out = prefillUnreported(m, p, prompts, padToken, most);
    out.report();
    return out;
  }

  /** As {@link #prefill(NDManager, Prefix, List, long[], int)}, without telling the observer (any thread). */
  private Prefilled prefillUnreported(NDManager m, Prefix p, List<long[]> prompts, long[] padToken, int most) {
    long start = System.nanoTime();
    int shared = 0;
    if (p != null) {
      shared = most;
      for (long[] prompt : prompts) {
        shared = Math.min(shared, sharedWith(p, prompt));
      }
    }
    int rows = prompts.size();
    int longest = prompts.stream().mapToInt(x -> x.length).max().orElseThrow() - shared;
    int[] pad = new int[rows];
    long[] ids = new long[rows * longest];
    boolean padded = false;
    for (int r = 0; r < rows; r++) {
      long[] prompt = prompts.get(r);
      int rest = prompt.length - shared;
      pad[r] = longest - rest;
      padded |= pad[r] > 0;
      Arrays.fill(ids, r * longest, r * longest + pad[r], padToken[r]);
      System.arraycopy(prompt, shared, ids, r * longest + pad[r], rest);
    }
    int layers = model.config().numHiddenLayers();
    KvCache cache = shared == 0 ? new KvCache(layers, padded ? pad : null)
        : KvCache.afterPrefix(p.keys(), p.values(), shared, rows, padded ? pad : null, m);
    float[][] logp = lastLogProbs(model.lastLogits(ps, m.create(ids, new Shape(rows, longest)), cache));
    return new Prefilled(cache, logp, shared, start, System.nanoTime(), rows, rows * longest);
  }

  /** How many leading positions of {@code prompt} the prefix can supply (never its last token). */
  private static int sharedWith(Prefix p, long[] prompt) {
    if (p == null) {
      return 0;
    }
    int n = 0;
    int most = Math.min(p.ids().length, prompt.length - 1);
    while (n < most && p.ids()[n] == prompt[n]) {
      n++;
    }
    return n;
  }

  /** Restricts generation: the tokens allowed after a continuation (empty = none: the beam dies). */
  @FunctionalInterface
  public interface Constraint {
    long[] allowed(long[] generated);

    /** The most tokens an allowed continuation has (0 = unknown): generation may run that long. */
    default int depth() {
      return 0;
    }

    /**
     * The only continuation allowed after {@code generated}, when every step of it allows exactly
     * one token, up to and including {@code eos} or {@code most} tokens; null when a step allows
     * several tokens or none (e.g. a title that is the only one under its beginning: the rest of
     * it). Beam search scores such a rest in one forward pass instead of one step per token.
     */
    default long[] forcedRest(long[] generated, long eos, int most) {
      long[] path = Arrays.copyOf(generated, generated.length + Math.max(0, most));
      int n = generated.length;
      while (n - generated.length < most) {
        long[] next = allowed(Arrays.copyOf(path, n));
        if (next.length != 1) {
          return null;
        }
        path[n++] = next[0];
        if (next[0] == eos) {
          break;
        }
      }
      return n == generated.length ? null : Arrays.copyOfRange(path, generated.length, n);
    }
  }

  /** D3's text-free assistant: its log-probability of each allowed next token. */
  public interface Guide {
    /**
     * @param allowed the tokens the constraint allows after {@code generated}
     * @return one log-probability per allowed token, or null when there is no assistant
     */
    double[] logProbs(long[] generated, long[] allowed);
  }

  /** A generated continuation: its tokens (without the prompt) and its length-normalised log-probability. */
  public record Hypothesis(long[] tokens, double score) {
    @Override
    public String toString() {
      return Arrays.toString(tokens) + " " + score;
    }
  }

  /**
   * Greedy decoding: the most likely token at each step (ties to the lower id), until {@code eos}
   * (kept) or {@code maxNewTokens}; the score is the sum of the chosen tokens' log-probabilities.
   * (Not a beam search of width 1, which may end early on an eos that is not the best token.)
   */
  public Hypothesis greedy(long[] prompt, int maxNewTokens, long eos) {
    if (prompt.length == 0 || maxNewTokens < 1) {
      throw new IllegalArgumentException("need a non-empty prompt and maxNewTokens >= 1");
    }
    try (NDManager m = ps.getManager().newSubManager()) {
      Prefilled start = prefill(m, List.of(prompt), new long[] {eos});
      KvCache cache = start.cache();
      float[] logp = start.logProbs()[0];
      long[] out = new long[maxNewTokens];
      double sum = 0;
      int n = 0;
      while (true) {
        int best = 0;
        for (int v = 1; v < logp.length; v++) {
          if (logp[v] > logp[best]) {
            best = v;
          }
        }
        out[n++] = best;
        sum += logp[best];
        if (best == eos || n == maxNewTokens) {
          return new Hypothesis(Arrays.copyOf(out, n), sum);
        }
        logp = lastLogProbs(model.lastLogits(ps, m.create(new long[] {best}, new Shape(1, 1)), cache))[0];
      }
    }
  }

  /**
   * Beam search with {@code width} beams. A beam ends when it emits {@code eos} (the eos token is
   * kept in its tokens); beams still open after {@code maxNewTokens} end there.
   *
   * @return up to {@code width} hypotheses, best first
   */
  public List<Hypothesis> beam(long[] prompt, int width, int maxNewTokens, long eos) {
    return beam(prompt, width, maxNewTokens, eos, null);
  }

  /**
   * Beam search restricted by {@code constraint} (null = free): at each step a beam may only
   * continue with the tokens the constraint allows after its tokens so far.
   */
  public List<Hypothesis> beam(long[] prompt, int width, int maxNewTokens, long eos, Constraint constraint) {
    return beams(List.of(new BeamRequest(prompt, width, maxNewTokens, eos, constraint))).get(0);
  }

  /**
   * One beam search: the prompt's token ids, the number of beams, where it stops, an optional
   * constraint (null = free), whether scores are length-normalised, and the weight λ of the
   * constraint's assistant when it is also a {@link Guide} (0 = the LLM alone).
   */
  public record BeamRequest(long[] prompt, int width, int maxNewTokens, long eos, Constraint constraint,
      boolean lengthNormalised, double assistantWeight) {
    public BeamRequest {
      if (prompt.length == 0 || width < 1 || maxNewTokens < 1) {
        throw new IllegalArgumentException("need a non-empty prompt, width >= 1 and maxNewTokens >= 1");
      }
      if (!(assistantWeight >= 0 && assistantWeight <= 1)) {
        throw new IllegalArgumentException("assistant weight must be in [0, 1], got " + assistantWeight);
      }
    }

    /** Length-normalised, no assistant: BIGRec's beam search. */
    public BeamRequest(long[] prompt, int width, int maxNewTokens, long eos, Constraint constraint) {
      this(prompt, width, maxNewTokens, eos, constraint, true, 0);
    }

    /** The score of a hypothesis whose log-probabilities sum to {@code sum} over {@code tokens} tokens. */
    double score(double sum, int tokens) {
      return lengthNormalised ? sum / tokens : sum;
    }
  }

  /**
   * Several beam searches in one batch: the prompts, left-padded to the longest, go through the
   * model together, then every step runs all open beams of all searches as one batch. Each search
   * keeps its own beams, constraint and stopping rule, and its result is the one it would have
   * alone (up to float rounding: padded rows sum over more, masked, positions).
   *
   * @return per request, up to {@code width} hypotheses, best first
   */
  public List<List<Hypothesis>> beams(List<BeamRequest> requests) {
    return beams(requests, (i, h) -> { });
  }

  /**
   * As {@link #beams(List)}, also handing each search's result to {@code finished} (with the
   * request's index) as soon as that search ends, while the others go on.
   */
  public List<List<Hypothesis>> beams(List<BeamRequest> requests, BiConsumer<Integer, List<Hypothesis>> finished) {
    return beams(requests, finished, Arrivals.none());
  }

  /**
   * As {@link #beams(List, BiConsumer)}, with searches joining the batch (iteration-level, or
   * continuous, batching): asked before every decoding step, {@code arrivals} hands over searches
   * (indexes after {@code requests}', in the order handed over) that are prefilled as a batch of
   * their own and then step with the running ones. A search fits when its prompt shares as much of
   * the cached prompt prefix as the running batch does, so that every row's padding starts at the
   * same position.
   * Each joined search's result is the one it would have alone, as for the first ones.
   *
   * @return the results of {@code requests} and of every joined search, by index
   */
  public List<List<Hypothesis>> beams(List<BeamRequest> requests, BiConsumer<Integer, List<Hypothesis>> finished,
      Arrivals<BeamRequest> arrivals) {
    if (requests.isEmpty()) {
      return List.of();
    }
    // one memory scope per model call (its intermediates are freed when it ends) and one holding
    // the cache between calls: a batch that requests keep joining may run for thousands of steps
    try (NDManager m = ps.getManager().newSubManager()) {
      Prefix p = prefix;
      Prefilled start;
      List<Search> searches = new ArrayList<>();
      List<Long> rows;
      NDManager kept;
      try (NDManager call = m.newSubManager()) {
        start = prefill(call, p, requests.stream().map(BeamRequest::prompt).toList(),
            requests.stream().mapToLong(BeamRequest::eos).toArray(), Integer.MAX_VALUE);
        kept = start.cache().keepIn(m, null);
        rows = start(requests, start.logProbs(), searches, finished);
      }
      KvCache cache = start.cache();
      int shared = start.shared();
      Executor prefills = joinerPrefills == null ? Runnable::run : joinerPrefills; // none: prefilled right here
      Joining pending = null; // joiners whose prompts are being prefilled
      try {
        // the cache's rows are the open beams without a forced rest, search by search, beam by beam
        while (searches.stream().anyMatch(s -> !s.finished) || pending != null) {
          try (NDManager step = m.newSubManager()) {
            cache.select(step.create(rows.stream().mapToLong(Long::longValue).toArray()));
            if (pending == null) {
              List<BeamRequest> joining = arrivals.take(r -> sharedWith(p, r.prompt()) >= shared);
              if (!joining.isEmpty()) {
                pending = new Joining(joining, m.newSubManager(), p, shared, prefills);
              }
            }
            boolean idle = searches.stream().allMatch(s -> s.finished);
            if (pending != null && (idle || pending.prefilled.isDone())) {
              Prefilled joined = pending.await();
              joined.report();
              cache = admit(step, joined, pending.requests, cache, searches, finished);
              kept = cache.keepIn(m, kept);
              pending.manager.close();
              pending = null;
            }
            List<Search> open = new ArrayList<>();
            for (Search s : searches) {
              if (!s.finished) {
                open.add(s);
              }
            }
            List<boolean[]> stepping = open.stream().map(Search::stepping).toList(); // the cache's rows
            float[][] logp = advance(step, cache, open);
            kept = cache.keepIn(m, kept);
            rows = new ArrayList<>();
            int row = 0;
            int vocab = model.config().vocabSize();
            for (int i = 0; i < open.size(); i++) {
              Search s = open.get(i);
              int count = s.beams.size();
              float[][] own = new float[count][];
              int[] rowOf = new int[count];
              for (int b = 0; b < count; b++) {
                boolean hasRow = stepping.get(i)[b];
                rowOf[b] = hasRow ? row : -1;
                own[b] = hasRow ? logp[row++] : s.tails.get(b).logProbs(vocab);
              }
              int at = s.generated;
              List<Integer> parents = s.step(at, own);
              if (s.open(at + 1)) {
                for (int b = 0; b < parents.size(); b++) {
                  if (s.tails.get(b) == null) {
                    rows.add((long) rowOf[parents.get(b)]);
                  }
                }
              } else {
                s.finish();
                finished.accept(s.index, s.result());
              }
            }
          }
        }
      } finally {
        if (pending != null) { // the batch failed: let the prefill end before its memory is freed
          pending.prefilled.handle((done, failed) -> null).join();
        }
      }
      return searches.stream().map(Search::result).toList();
    }
  }

  /**
   * One model call for the beams that still step (the cache's rows, in order): each is fed its
   * last token, and its next-token log-probabilities come back, one row each. A beam whose rest
   * the constraint forces (the only title under its beginning) is fed its whole rest instead, in
   * the same call (right-padded: padding only follows, so it never changes an earlier position),
   * and gets the log-probability of every token of it ({@link Tail}); it takes no row in later
   * steps, where its scores are read from its rest: those that stepping it would have given (up to
   * float rounding), for one pass over the weights instead of one per token. The cache keeps
   * one more position per row, as after a plain step.
   *
   * @return the next-token log-probabilities of each row (a forced one's: its rest's first token's)
   */
  private float[][] advance(NDManager m, KvCache cache, List<Search> open) {
    List<long[]> feeds = new ArrayList<>();
    List<long[]> rests = new ArrayList<>();
    List<Search> owners = new ArrayList<>();
    List<Integer> beamOf = new ArrayList<>();
    int width = 1;
    for (Search s : open) {
      for (int b = 0; b < s.beams.size(); b++) {
        if (s.tails.get(b) != null) {
          continue;
        }
        long[] beam = s.beams.get(b);
        long[] rest = forcedLookahead ? s.forcedRest(b) : null;
        long[] feed = new long[rest == null ? 1 : rest.length]; // the last token, then the rest but its last
        feed[0] = beam[beam.length - 1];
        if (rest != null) {
          System.arraycopy(rest, 0, feed, 1, rest.length - 1);
        }
        feeds.add(feed);
        rests.add(rest);
        owners.add(s);
        beamOf.add(b);
        width = Math.max(width, feed.length);
      }
    }
    int rows = feeds.size();
    if (rows == 0) {
      return new float[0][];
    }
    long start = System.nanoTime();
    float[][] out = width == 1 ? step(m, cache, feeds) : stepWithRests(m, cache, feeds, rests, owners, beamOf);
    CallObserver observer = OBSERVER.get();
    if (observer != null) {
      observer.stepped(start, System.nanoTime(), rows, feeds.stream().mapToInt(f -> f.length).sum());
    }
    return out;
  }

  /** A plain step (no rest longer than one token): one position per row, and its vocabulary projection. */
  private float[][] step(NDManager m, KvCache cache, List<long[]> feeds) {
    long[] last = feeds.stream().mapToLong(f -> f[0]).toArray();
    return lastLogProbs(model.lastLogits(ps, m.create(last, new Shape(last.length, 1)), cache));
  }

  /** A step that also runs forced rests, and hands their beams the rests' log-probabilities. */
  private float[][] stepWithRests(NDManager m, KvCache cache, List<long[]> feeds, List<long[]> rests,
      List<Search> owners, List<Integer> beamOf) {
    int before = cache.length();
    Scored scored = teacherForced(m, cache, feeds, rests);
    cache.truncate(before + 1);
    int vocab = model.config().vocabSize();
    float[][] out = new float[feeds.size()][];
    for (int r = 0; r < out.length; r++) {
      if (rests.get(r) == null) {
        out[r] = scored.next()[r];
      } else {
        Tail tail = new Tail(rests.get(r), scored.picked()[r], 0);
        owners.get(r).tails.set(beamOf.get(r), tail);
        out[r] = tail.logProbs(vocab);
      }
    }
    return out;
  }

  /**
   * What a teacher-forced pass gives per row: the next-token log-probabilities after its first
   * position (rows without targets), or the log-probability of each of its targets.
   */
  private record Scored(float[][] next, float[][] picked) {}

  /**
   * Runs {@code feeds} (one token sequence per cache row, of any lengths) after the rows' cached
   * positions in one model call. A row with {@code targets} gets the log-probability of each
   * target at its position; a row whose targets are null gets the whole next-token distribution
   * after its first position. Only those positions are projected onto the vocabulary, and only
   * the targets' numbers come back from the native side for the others. The rows run packed
   * ({@link LlamaModel.Packed}): a row of one token costs one position's products, however long the
   * longest feed. The cache is extended by the longest feed.
   */
  private Scored teacherForced(NDManager m, KvCache cache, List<long[]> feeds, List<long[]> targets) {
    int n = feeds.size();
    long[] start = new long[n]; // each row's first position among the packed ones
    for (int r = 1; r < n; r++) {
      start[r] = start[r - 1] + feeds.get(r - 1).length;
    }
    List<Long> positions = new ArrayList<>(); // the whole rows' first positions, then every target's
    List<Long> tokens = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      if (targets.get(r) == null) {
        positions.add(start[r]);
      }
    }
    int whole = positions.size();
    for (int r = 0; r < n; r++) {
      long[] t = targets.get(r);
      for (int j = 0; t != null && j < t.length; j++) {
        positions.add(start[r] + j);
        tokens.add(t[j]);
      }
    }
    NDArray logProbs = model.logitsAt(ps, LlamaModel.Packed.of(m, feeds), cache,
        m.create(positions.stream().mapToLong(Long::longValue).toArray())).logSoftmax(1);
    int vocab = model.config().vocabSize();
    float[] next = whole == 0 ? new float[0] : logProbs.get(new NDIndex("0:{}", whole)).toFloatArray();
    float[] picked = tokens.isEmpty() ? new float[0] : logProbs.get(new NDIndex("{}:", whole))
        .gather(m.create(tokens.stream().mapToLong(Long::longValue).toArray(), new Shape(tokens.size(), 1)), 1)
        .toFloatArray();
    Scored out = new Scored(new float[n][], new float[n][]);
    int w = 0;
    int k = 0;
    for (int r = 0; r < n; r++) {
      long[] t = targets.get(r);
      if (t == null) {
        out.next()[r] = Arrays.copyOfRange(next, w * vocab, ++w * vocab);
      } else {
        out.picked()[r] = Arrays.copyOfRange(picked, k, k += t.length);
      }
    }
    return out;
  }

  /**
   * A beam's forced rest: its tokens, the log-probability of each (after the beam and the ones
   * before it), and how many of them the beam has taken so far.
   */
  record Tail(long[] tokens, float[] logProbs, int at) {
    /** The next-token log-probabilities this rest implies: its next token's, every other -inf. */
    float[] logProbs(int vocab) {
      float[] out = new float[vocab];
      Arrays.fill(out, Float.NEGATIVE_INFINITY);
      out[(int) tokens[at]] = logProbs[at];
      return out;
    }

    /** The rest after the beam takes its next token (null when none is left). */
    Tail advanced() {
      return at + 1 < tokens.length ? new Tail(tokens, logProbs, at + 1) : null;
    }
  }

  /**
   * Starts a search per request from its prompt's log-probabilities (indexes after the searches
   * already there); those that end at once are reported. Returns, per beam still open, its
   * prompt's row among {@code first}.
   */
  private static List<Long> start(List<BeamRequest> requests, float[][] first, List<Search> searches,
      BiConsumer<Integer, List<Hypothesis>> finished) {
    List<Long> rows = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      Search s = new Search(searches.size(), requests.get(r));
      s.start(first[r]);
      searches.add(s);
      if (s.open(1)) {
        for (int b = 0; b < s.beams.size(); b++) {
          rows.add((long) r);
        }
      } else {
        s.finish();
        finished.accept(s.index, s.result());
      }
    }
    return rows;
  }

  /** Prefills joining requests (as much of the prefix as the running batch took); any thread. */
  private Prefilled prefillJoiners(NDManager m, Prefix p, int shared, List<BeamRequest> joining) {
    Prefilled joined = prefillUnreported(m, p, joining.stream().map(BeamRequest::prompt).toList(),
        joining.stream().mapToLong(BeamRequest::eos).toArray(), shared);
    if (joined.shared() != shared) {
      throw new IllegalStateException("a joining prompt shares " + joined.shared() + " prefix positions, the batch "
          + shared);
    }
    return joined;
  }

  /**
   * Starts the joiners' searches and appends their open beams' rows to the running cache; when no
   * running row is left, the joiners' cache (with those rows) is the batch's.
   *
   * @return the cache the batch steps with from now on
   */
  private KvCache admit(NDManager m, Prefilled joined, List<BeamRequest> joining, KvCache cache,
      List<Search> searches, BiConsumer<Integer, List<Hypothesis>> finished) {
    List<Long> rows = start(joining, joined.logProbs(), searches, finished);
    if (rows.isEmpty()) {
      return cache;
    }
    joined.cache().select(m.create(rows.stream().mapToLong(Long::longValue).toArray()));
    if (cache.rows() == 0) {
      return joined.cache();
    }
    cache.join(joined.cache());
    return cache;
  }

  /**
   * Joiners whose prompts are being prefilled, on another thread or (a direct executor) right away,
   * into their own memory scope.
   */
  private final class Joining {
    final List<BeamRequest> requests;
    final NDManager manager;
    final CompletableFuture<Prefilled> prefilled;

    Joining(List<BeamRequest> requests, NDManager manager, Prefix p, int shared, Executor executor) {
      this.requests = requests;
      this.manager = manager;
      this.prefilled = CompletableFuture.supplyAsync(() -> prefillJoiners(manager, p, shared, requests), executor);
    }

    /** The prefill, once done (its failure is the batch's). */
    Prefilled await() {
      try {
        return prefilled.join();
      } catch (CompletionException e) {
        manager.close();
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
  }

  /**
   * The state of one beam search inside a batch, with Hugging Face's beam search rules
   * ({@code transformers} 4.53 {@code _beam_search}, no sampling, one eos): each step ranks the
   * best {@code 2 * width} continuations of all beams; a continuation that ends (eos, or the token
   * limit) among the first {@code width} of them is a finished hypothesis, scored by its summed
   * log-probability divided by its length (when length-normalised), and the {@code width} best
   * finished ones are kept; an ending continuation ranked lower is dropped; the best
   * {@code width} continuations that do not end go on. The search stops when the finished
   * hypotheses are {@code width} and the best open beam, were it to end now, would not beat the
   * worst of them (HF's {@code early_stopping=False} heuristic), or at the token limit.
   */
  static final class Search {
    final int index;
    final BeamRequest request;
    List<long[]> beams = new ArrayList<>();
    List<Double> sums = new ArrayList<>();
    /** Per open beam, its forced rest once scored (see {@code advance}), else null. */
    List<Tail> tails = new ArrayList<>();
    final List<Hypothesis> done = new ArrayList<>();
    boolean finished;
    /** Tokens generated so far by each open beam (searches that joined a batch later have fewer). */
    int generated;

    Search(int index, BeamRequest request) {
      this.index = index;
      this.request = request;
    }

    /** The first token of each beam, from the prompt's last position. */
    void start(float[] first) {
      long[][] allowed = {restrict(new long[0], first)};
      extend(List.of(new long[0]), List.of(0.0), new float[][] {first}, allowed, request.maxNewTokens() == 1);
      tails = new ArrayList<>(java.util.Collections.nCopies(beams.size(), null));
      generated = 1;
    }

    /** Per open beam, whether it still steps with the batch (it has no scored forced rest). */
    boolean[] stepping() {
      boolean[] out = new boolean[beams.size()];
      for (int b = 0; b < out.length; b++) {
        out[b] = tails.get(b) == null;
      }
      return out;
    }

    /** Beam {@code b}'s rest when the constraint forces it (within the token limit), else null. */
    long[] forcedRest(int b) {
      Constraint c = request.constraint();
      return c == null ? null : c.forcedRest(beams.get(b), request.eos(), request.maxNewTokens() - generated);
    }

    /** Whether the search goes on to generate token number {@code step + 1}. */
    boolean open(int step) {
      if (beams.isEmpty() || step >= request.maxNewTokens()) {
        return false;
      }
      if (done.size() < request.width()) {
        return true;
      }
      // beams are kept best first: could the best open one, ending now, still enter the finished?
      double best = request.score(sums.get(0), beams.get(0).length);
      return best > done.get(done.size() - 1).score();
    }

    /** Extends the beams by one token; returns, per new beam, its parent among the current ones. */
    List<Integer> step(int step, float[][] logp) {
      long[][] allowed = new long[beams.size()][];
      for (int b = 0; b < beams.size(); b++) {
        allowed[b] = restrict(beams.get(b), logp[b]);
      }
      generated = step + 1;
      List<Tail> before = tails;
      List<Integer> parents = extend(beams, sums, logp, allowed, step == request.maxNewTokens() - 1);
      tails = new ArrayList<>(parents.size());
      for (int parent : parents) {
        Tail t = before.get(parent);
        if (t != null && t.advanced() == null) {
          throw new IllegalStateException("a beam went on past the end of its forced rest");
        }
        tails.add(t == null ? null : t.advanced());
      }
      return parents;
    }

    /**
     * Ranks the continuations of the current beams: every token of the vocabulary after a beam
     * without constraint, only its allowed tokens after one with ({@code allowed[b]}, ascending;
     * a constrained step looks at a few dozen candidates instead of beams x vocabulary).
     */
    private List<Integer> extend(List<long[]> current, List<Double> currentSums, float[][] logp, long[][] allowed,
        boolean lastStep) {
      int width = request.width();
      int vocab = logp[0].length;
      int n = 0;
      for (long[] a : allowed) {
        n += a == null ? vocab : a.length;
      }
      float[] flat = new float[n]; // candidates in (beam, token) order: ties go to the lower beam, then token
      int[] flatIndex = new int[n]; // beam * vocab + token
      int k = 0;
      for (int b = 0; b < current.size(); b++) {
        double base = currentSums.get(b);
        float[] row = logp[b];
        if (allowed[b] == null) {
          for (int v = 0; v < vocab; v++, k++) {
            flat[k] = (float) (base + row[v]);
            flatIndex[k] = b * vocab + v;
          }
        } else {
          for (long t : allowed[b]) {
            flat[k] = (float) (base + row[(int) t]);
            flatIndex[k++] = b * vocab + (int) t;
          }
        }
      }
      List<long[]> nextBeams = new ArrayList<>();
      List<Double> nextSums = new ArrayList<>();
      List<Integer> parents = new ArrayList<>();
      int rank = 0;
      for (int c : topK(flat, 2 * width)) {
        if (flat[c] == Float.NEGATIVE_INFINITY) {
          break; // impossible (e.g. a forced rest's other tokens): ranked after every possible continuation
        }
        int b = flatIndex[c] / vocab;
        int v = flatIndex[c] % vocab;
        long[] tokens = Arrays.copyOf(current.get(b), current.get(b).length + 1);
        tokens[tokens.length - 1] = v;
        double sum = currentSums.get(b) + logp[b][v];
        if (v == request.eos() || lastStep) {
          if (rank < width) {
            addFinished(new Hypothesis(tokens, request.score(sum, tokens.length)));
          }
        } else if (nextBeams.size() < width) {
          nextBeams.add(tokens);
          nextSums.add(sum);
          parents.add(b);
        }
        rank++;
      }
      beams = nextBeams;
      sums = nextSums;
      return parents;
    }

    /** Keeps the {@code width} best finished hypotheses, best first (on a tie the earlier one first). */
    private void addFinished(Hypothesis h) {
      int at = done.size();
      while (at > 0 && done.get(at - 1).score() < h.score()) {
        at--;
      }
      done.add(at, h);
      if (done.size() > request.width()) {
        done.remove(done.size() - 1);
      }
    }

    /** The search ends: open beams could not enter the finished hypotheses, or the constraint left none. */
    void finish() {
      if (done.isEmpty()) { // only when no continuation ever ended: the open beams are all there is
        for (int b = 0; b < beams.size(); b++) {
          addFinished(new Hypothesis(beams.get(b), request.score(sums.get(b), beams.get(b).length)));
        }
      }
      beams = List.of();
      tails = List.of();
      finished = true;
    }

    /**
     * The tokens the constraint allows after {@code generated} (ascending, distinct; null without
     * a constraint: every token) and, with an assistant weight, mixes the guide's log-probabilities
     * into theirs in {@code logp}.
     */
    long[] restrict(long[] generated, float[] logp) {
      Constraint c = request.constraint();
      if (c == null) {
        return null;
      }
      long[] allowed = ascending(c.allowed(generated), logp.length);
      double lambda = request.assistantWeight();
      if (lambda > 0 && c instanceof Guide guide) {
        double[] assist = guide.logProbs(generated, allowed);
        if (assist != null) {
          for (int i = 0; i < allowed.length; i++) {
            int t = (int) allowed[i];
            logp[t] = (float) ((1 - lambda) * logp[t] + lambda * assist[i]);
          }
        }
      }
      return allowed;
    }

    List<Hypothesis> result() {
      return List.copyOf(done);
    }
  }

  /**
   * Continuation positions (rows times the longest row) that {@link #logLikelihoods} runs as one
   * forward: a bound on its transient memory (the vocabulary projection alone is positions x
   * vocabulary floats: 100 MB at SmolLM2's 49,152 tokens) that still batches a whole list of short
   * titles into one pass.
   */
  static final int LIKELIHOOD_POSITIONS = 512;

  /**
   * The log-probability of each continuation after the prompt: the sum over its tokens of
   * {@code log p(token | prompt, earlier tokens)} (no length normalisation), teacher-forced. The
   * prompt runs once; its keys and values are shared by all continuations, which run in batches of
   * similar length (sorted by length, at most {@link #LIKELIHOOD_POSITIONS} positions each), so
   * short titles are not padded to the longest one's length.
   *
   * @param continuations non-empty token sequences (e.g. titles' tokens, eos included)
   */
  public double[] logLikelihoods(long[] prompt, List<long[]> continuations) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("need a non-empty prompt");
    }
    int n = continuations.size();
    for (int i = 0; i < n; i++) {
      if (continuations.get(i).length == 0) {
        throw new IllegalArgumentException("continuation " + i + " is empty");
      }
    }
    double[] out = new double[n];
    if (n == 0) {
      return out;
    }
    try (NDManager m = ps.getManager().newSubManager()) {
      Prefilled start = prefill(m, List.of(prompt), new long[] {prompt[0]});
      KvCache cache = start.cache();
      float[] first = start.logProbs()[0];
      for (int i = 0; i < n; i++) {
        out[i] = first[(int) continuations.get(i)[0]];
      }
      Integer[] byLength = new Integer[n];
      for (int i = 0; i < n; i++) {
        byLength[i] = i;
      }
      Arrays.sort(byLength, Comparator.comparingInt(i -> continuations.get(i).length));
      int from = 0;
      while (from < n && continuations.get(byLength[from]).length == 1) {
        from++; // a one-token continuation is scored by the prompt's last position alone
      }
      while (from < n) {
        int to = from + 1;
        while (to < n && (to - from + 1) * (continuations.get(byLength[to]).length - 1) <= LIKELIHOOD_POSITIONS) {
          to++;
        }
        int[] rows = new int[to - from];
        for (int r = 0; r < rows.length; r++) {
          rows[r] = byLength[from + r];
        }
        addContinuations(m, cache, continuations, rows, out);
        from = to;
      }
      return out;
    }
  }

  /**
   * Adds to {@code out[i]} the log-probabilities of tokens 1.. of each continuation {@code i} in
   * {@code rows}, run as one batch after the prompt's {@code cache} (left as it is).
   */
  private void addContinuations(NDManager parent, KvCache prompt, List<long[]> continuations, int[] rows,
      double[] out) {
    try (NDManager m = parent.newSubManager()) {
      int n = rows.length;
      int layers = model.config().numHiddenLayers();
      NDArray[] keys = new NDArray[layers];
      NDArray[] values = new NDArray[layers];
      for (int l = 0; l < layers; l++) {
        keys[l] = prompt.keys(l);
        values[l] = prompt.values(l);
      }
      KvCache cache = KvCache.afterPrefix(keys, values, prompt.length(), n, null, m);
      // feed tokens 0..L-2 of every continuation; position t's log-probabilities score token t + 1
      List<long[]> feeds = new ArrayList<>();
      List<long[]> targets = new ArrayList<>();
      for (int row : rows) {
        long[] c = continuations.get(row);
        feeds.add(Arrays.copyOf(c, c.length - 1));
        targets.add(Arrays.copyOfRange(c, 1, c.length));
      }
      float[][] picked = teacherForced(m, cache, feeds, targets).picked();
      for (int i = 0; i < n; i++) {
        for (float lp : picked[i]) {
          out[rows[i]] += lp;
        }
      }
    }
  }

  /**
   * BIGRec's embedding of a text: the last layer's hidden state (after the final norm) at the
   * last token of {@code ids}.
   */
  public float[] embed(long[] ids) {
    try (NDManager m = ps.getManager().newSubManager()) {
      NDArray hidden = model.hidden(ps, m.create(ids, new Shape(1, ids.length)), null, false);
      return hidden.get(new NDIndex("0, -1, :")).toFloatArray();
    }
  }

  /** {@code tokens} ascending, without repeats or ids outside the vocabulary (itself when already so). */
  static long[] ascending(long[] tokens, int vocab) {
    boolean clean = true;
    for (int i = 0; i < tokens.length && clean; i++) {
      clean = tokens[i] >= 0 && tokens[i] < vocab && (i == 0 || tokens[i] > tokens[i - 1]);
    }
    return clean ? tokens : Arrays.stream(tokens).filter(t -> t >= 0 && t < vocab).sorted().distinct().toArray();
  }

  /** log_softmax of the last position's logits, per batch row. */
  private static float[][] lastLogProbs(NDArray logits) {
    long batch = logits.getShape().get(0);
    long t = logits.getShape().get(1);
    NDArray last = logits.get(new NDIndex(":, {}, :", t - 1)).logSoftmax(1);
    float[] flat = last.toFloatArray();
    int vocab = (int) (flat.length / batch);
    float[][] out = new float[(int) batch][];
    for (int b = 0; b < batch; b++) {
      out[b] = Arrays.copyOfRange(flat, b * vocab, (b + 1) * vocab);
    }
    return out;
  }

  /**
   * Indexes of the k largest values, largest first (ties: lower index first; NaN above all, as
   * {@link Float#compare}). A bounded heap of primitive indexes: a step of beam search ranks
   * beams x vocabulary scores, and sorting all of them dominated the step's time.
   */
  static int[] topK(float[] values, int k) {
    int size = Math.min(k, values.length);
    int[] heap = new int[size]; // worst of the kept at the root
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      if (n < size) {
        heap[n] = i;
        siftUp(heap, n++, values);
      } else if (size > 0 && better(i, heap[0], values)) {
        heap[0] = i;
        siftDown(heap, size, values);
      }
    }
    int[] out = new int[size];
    for (int i = size - 1; i >= 0; i--) { // pop the worst last-to-first
      out[i] = heap[0];
      heap[0] = heap[i];
      siftDown(heap, i, values);
    }
    return out;
  }

  /** Whether index a ranks above index b. */
  private static boolean better(int a, int b, float[] values) {
    int c = Float.compare(values[a], values[b]);
    return c > 0 || (c == 0 && a < b);
  }

  private static void siftUp(int[] heap, int i, float[] values) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!better(heap[parent], heap[i], values)) {
        return;
      }
      int t = heap[parent];
      heap[parent] = heap[i];
      heap[i] = t;
      i = parent;
    }
  }

  private static void siftDown(int[] heap, int size, float[] values) {
    int i = 0;
    while (true) {
      int worst = i;
      int l = 2 * i + 1;
      int r = l + 1;
      if (l < size && better(heap[worst], heap[l], values)) {
        worst = l;
      }
      if (r < size && better(heap[worst], heap[r], values)) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      int t = heap[worst];
      heap[worst] = heap[i];
      heap[i] = t;
      i = worst;
    }
  }
}
