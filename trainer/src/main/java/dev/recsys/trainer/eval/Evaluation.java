package dev.recsys.trainer.eval;

import dev.recsys.llm.CandidateScore;
import dev.recsys.ranking.metrics.RankingMetrics;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.pipeline.ServingPipeline.Generation;
import dev.recsys.ranking.pipeline.ServingPipeline.Grounding;
import dev.recsys.ranking.pipeline.ServingPipeline.Kind;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.MixtureSignal;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.signal.TransitionSignal;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.ValidationHalves;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Chooses a run's serving pipeline on validation and measures it on test, ranking every sample
 * through the served path ({@link ServedRanking}: the generator's decoding, then the grounding
 * service's ranking, with the history excluded as the gateway does by default).
 *
 * <ol>
 *   <li>Validation (the half SASRec did not early-stop on, {@link ValidationHalves}): the rankings
 *       without the LLM (the sequential model, the transition counts, popularity, the
 *       co-occurrence weights, content similarity, their mixtures over a grid of weights: {@link #mixtures}); BIGRec's
 *       constrained beams grounded with W = each signal over a grid of gamma (1 or all 4 texts);
 *       the union of those candidates with W's top items; D3's wider beam search with summed
 *       log-probabilities over a grid of the assistant's weight, the beams first and grounding
 *       filling the rest; SASRec's top 30 ranked by the same score computed exactly, over a finer
 *       grid, and the transition counts' top 30 likewise, and the top 30 of the best mixture
 *       ({@link MixtureSignal}, its weights the best of the grid among the rankings without the LLM). A weight of 1 leaves the LLM no say: those are ablations, never candidates. Every
 *       pipeline's NDCG@10 is recorded.</li>
 *   <li>The best is the serving pipeline (on a tie the one listed first: rankings without the
 *       LLM come first), unless it uses the LLM and leads the best ranking without it by no more than
 *       {@link #LLM_LEAD_STANDARD_ERRORS} paired standard errors of that lead (the two-standard-error
 *       rule): then the simpler ranking without the LLM serves, since validation has not settled
 *       the difference and the LLM costs a hundred times the latency.</li>
 *   <li>Test: the baselines, each family's best variant, the serving pipeline and the same pipeline
 *       without the LLM (its signal alone, or for D3 the assistant alone), on the whole sample and
 *       on the samples whose target is strictly later than the last history item.</li>
 * </ol>
 */
public final class Evaluation {
  /**
   * How many paired standard errors the LLM's validation lead must exceed for it to serve. Was one:
   * twice on MovieLens-100K the LLM re-ranking served with a lead between one and two standard
   * errors (+0.0052 ± 0.0042, +0.0056 ± 0.0052) and lost to the mixture it re-ranks on the test
   * samples (0.0734 vs 0.0766, 0.0701 vs 0.0761 NDCG@10).
   */
  public static final double LLM_LEAD_STANDARD_ERRORS = 2;

  /** The rule's words for reports: "2 paired standard errors". */
  public static String leadRule() {
    return String.format(java.util.Locale.ROOT, "%s paired standard errors",
        new java.text.DecimalFormat("0.##", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT))
            .format(LLM_LEAD_STANDARD_ERRORS));
  }

  /** gamma grid: BIGRec's collaborative grid, coarsened (0..0.99 and 1..99 there). */
  static final double[] GAMMAS = {0, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 20, 50, 99};
  /** D3's assistant weight grid (0: the LLM alone; 1: the assistant alone). */
  static final double[] LAMBDAS = {0, 0.25, 0.5, 0.75, 0.9};
  /** The rerank pipeline's weight grid: every 0.05 (each weight costs no LLM call); 1 is the ablation. */
  static final double[] RERANK_LAMBDAS = java.util.stream.IntStream.rangeClosed(0, 20).mapToDouble(i -> i / 20.0)
      .toArray();

  /**
   * How the LLM's part of a ranked candidate's score is made, each tried at every λ below 1
   * ({@link CandidateScore}; no LLM call of its own): D3's summed log-likelihood; the same per
   * token; and the pointwise mutual information with the history — the likelihood less β times the
   * title's prior, β = 0.5 or 1 — summed and per token. Measured with SmolLM2-135M on MovieLens
   * (500 validation and 500 test samples, SASRec's and a mixture's top 30): the summed likelihood
   * lowered both lists on test (0.0772 to 0.0710, 0.0825 to 0.0725), the per-token PMI did not
   * (0.0794, 0.0823).
   */
  static final List<CandidateScore> RERANK_SCORES = rerankScores();

  private static List<CandidateScore> rerankScores() {
    List<CandidateScore> out = new ArrayList<>();
    double[][] variants = {{0, 0}, {0, 1}, {0.5, 0}, {1, 0}, {0.5, 1}, {1, 1}}; // {β, per token}
    for (double[] v : variants) {
      for (double lambda : RERANK_LAMBDAS) {
        if (lambda < 1) { // at 1 the LLM has no say: that is the ablation, measured on test, never served
          out.add(new CandidateScore(lambda, v[0], v[1] == 1));
        }
      }
    }
    return List.copyOf(out);
  }
  /** Candidates the sequential model retrieves for the LLM to rank (the texts a request may ground: 32). */
  static final int RERANK_CANDIDATES = 30;
  static final int BIGREC_BEAMS = 4;
  static final int D3_BEAMS = 10;
  static final int POOL = 100;
  /** Past the ranked candidates, their neighbours re-weighted by the candidates' signal fill the list. */
  static Grounding rerankFill(String signal) {
    return new Grounding(POOL, 0, signal, 5);
  }

  /** The signals whose top items the LLM re-ranks: the sequential model (when the run has one) and the transitions. */
  static List<String> rerankSources(boolean hasSasRec) {
    return ServingPipeline.RERANK_SOURCES.stream().filter(s -> hasSasRec || !s.equals(SasRec.NAME)).toList();
  }
  static final int[] UNION_CANDIDATES = {20, 100};
  /** The key of the mixture's best variant among each family's best ({@code mix}, {@code mix+llm-rerank}). */
  public static final String MIX = "mix";
  /** The step of the mixture's weight grid ({@link #mixtures}). */
  static final int MIX_STEPS = 10;

  /**
   * The signals the mixtures tried mix: SASRec, the co-occurrence weights and content similarity.
   * The transition counts are left out of them: they are the co-occurrence weights' own forward,
   * one-step part, and two nearly collinear components double the grid while its choice between
   * them rests on noise (measured on Amazon: the four-signal grid's choice, transitions 0.6 +
   * co-occurrence 0.1 + similarity 0.3, won validation by 0.002 and scored below co-occurrence alone
   * on test). The transitions stay a ranking of their own and the baseline.
   */
  public static final List<String> MIX_COMPONENTS = List.of(SasRec.NAME, TransitionSignal.COOCCURRENCE,
      SimilarItemsSignal.NAME);

  /**
   * The mixtures tried ({@link MixtureSignal}): every weighting of {@link #MIX_COMPONENTS} (SASRec
   * only when the run has it), in steps of 1/{@link #MIX_STEPS}, that gives two or more of them a
   * positive weight.
   */
  public static List<String> mixtures(boolean hasSasRec) {
    List<String> components = MIX_COMPONENTS.stream().filter(c -> hasSasRec || !c.equals(SasRec.NAME)).toList();
    List<String> out = new ArrayList<>();
    weightings(components, 0, MIX_STEPS, new int[components.size()], out);
    return out;
  }

  /** Every split of {@code left} steps over components {@code at..}, as mixture names, into {@code out}. */
  private static void weightings(List<String> components, int at, int left, int[] steps, List<String> out) {
    if (at == components.size() - 1) {
      steps[at] = left;
      if (java.util.Arrays.stream(steps).filter(x -> x > 0).count() >= 2) {
        Map<String, Double> w = new LinkedHashMap<>();
        for (int c = 0; c < steps.length; c++) {
          w.put(components.get(c), steps[c] / (double) MIX_STEPS);
        }
        out.add(MixtureSignal.name(w));
      }
      return;
    }
    for (int x = 0; x <= left; x++) {
      steps[at] = x;
      weightings(components, at + 1, left - x, steps, out);
    }
  }
  /** The test row of the co-occurrence weights alone. */
  public static final String COOCCURRENCE_ROW = "item-to-item co-occurrence (within 3 events, either order)";
  /** The test row of content similarity alone. */
  public static final String SIMILAR_ROW = "content similarity (history titles' nearest items)";
  /** The test row of the best mixture of the signals. */
  public static final String MIXTURE_ROW = "signals mixed (weights chosen on validation)";
  /** Items served per sample: the largest cutoff. */
  static final int K = 20;

  /** The pipeline families that use the LLM, each tried on validation unless left out. */
  public static final Set<Kind> LLM_FAMILIES = Collections.unmodifiableSet(
      EnumSet.of(Kind.BIGREC, Kind.UNION, Kind.D3, Kind.RERANK));

  /** The candidate lists the LLM can re-rank: SASRec's, the transitions', the best mixture's ({@link #MIX}). */
  public static final List<String> RERANK_SOURCE_NAMES = List.of(SasRec.NAME, TransitionSignal.NAME, MIX);

  /**
   * Sizes, threads, the LLM families tried (the rankings without the LLM are always tried) and
   * whose candidates the re-ranking family ranks.
   *
   * @param families      a subset of {@link #LLM_FAMILIES}; union needs BIGRec's beams and so implies them
   * @param rerankSources a subset of {@link #RERANK_SOURCE_NAMES}: each costs one LLM likelihood pass per
   *                      sample (seconds with a 135M-parameter base)
   */
  public record Options(int validSamples, int testSamples, long seed, int threads, int maxNewTokens,
      Set<Kind> families, Set<String> rerankSources) {
    public Options {
      families = families.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(families);
      if (!LLM_FAMILIES.containsAll(families)) {
        throw new IllegalArgumentException("pipeline families are " + LLM_FAMILIES + ", not " + families);
      }
      if (families.contains(Kind.UNION)) {
        families.add(Kind.BIGREC);
      }
      families = Collections.unmodifiableSet(families);
      if (rerankSources.isEmpty() || !RERANK_SOURCE_NAMES.containsAll(rerankSources)) {
        throw new IllegalArgumentException("the re-ranked candidates come from some of " + RERANK_SOURCE_NAMES
            + ", not " + rerankSources);
      }
      rerankSources = Set.copyOf(rerankSources);
    }

    /** These families, every candidate source. */
    public Options(int validSamples, int testSamples, long seed, int threads, int maxNewTokens, Set<Kind> families) {
      this(validSamples, testSamples, seed, threads, maxNewTokens, families, Set.copyOf(RERANK_SOURCE_NAMES));
    }

    /** Every family. */
    public Options(int validSamples, int testSamples, long seed, int threads, int maxNewTokens) {
      this(validSamples, testSamples, seed, threads, maxNewTokens, LLM_FAMILIES);
    }
  }

  /** Progress of the phases that take time (generation). */
  public interface Listener {
    void phase(String name, int total);

    void step(int done);
  }

  private final RunServing run;
  private final Options options;

  public Evaluation(RunServing run, Options options) {
    this.run = run;
    this.options = options;
  }

  /** A seeded sample of at most {@code n} elements. */
  public static List<Sample> sample(List<Sample> split, int n, long seed) {
    List<Sample> copy = new ArrayList<>(split);
    Collections.shuffle(copy, new Random(seed));
    return copy.subList(0, Math.min(n, copy.size()));
  }

  public EvalReport run(String protocol, List<Sample> validSplit, List<Sample> testSplit, Listener listener) {
    List<EvalSample> valid = EvalSample.of(sample(ValidationHalves.forPipelines(validSplit), options.validSamples(),
        options.seed()), run.catalogue());
    List<EvalSample> test = EvalSample.of(sample(testSplit, options.testSamples(), options.seed() + 1),
        run.catalogue());
    boolean hasSasRec = run.sequential() != null;
    List<String> signals = new ArrayList<>(List.of(PopularitySignal.NAME, SimilarItemsSignal.NAME,
        TransitionSignal.COOCCURRENCE, TransitionSignal.NAME));
    if (hasSasRec) {
      signals.add(SasRec.NAME);
    }
    try (ServedRanking served = new ServedRanking(run, options.maxNewTokens(), options.threads())) {
      // 1. validation
      List<Scored> trials = new ArrayList<>();
      for (String s : signals.reversed()) {
        trials.add(score(served, valid, null, ServingPipeline.sequential(s)));
      }
      Scored bestMix = null;
      for (String m : mixtures(hasSasRec)) {
        Scored t = score(served, valid, null, ServingPipeline.sequential(m));
        trials.add(t);
        bestMix = bestMix == null || t.ndcg() > bestMix.ndcg() ? t : bestMix;
      }
      String mixture = bestMix.pipeline().grounding().signal();
      Scored bestNonLlm = trials.stream().max(Comparator.comparingDouble(Scored::ndcg)).orElseThrow();
      List<String> rerankSources = new ArrayList<>(rerankSources(hasSasRec).stream()
          .filter(options.rerankSources()::contains).toList());
      if (options.rerankSources().contains(MIX)) {
        rerankSources.add(mixture);
      }
      if (options.families().contains(Kind.BIGREC)) {
        Generation bigrec = new Generation(BIGREC_BEAMS, BIGREC_BEAMS, true, true, 0);
        ServedRanking.Generations g4 = generate(served, valid, new ServingPipeline(Kind.BIGREC, bigrec,
            new Grounding(POOL, 0, Grounding.NONE, 0)), "validation: BIGRec beams", listener);
        for (int texts : new int[] {1, BIGREC_BEAMS}) {
          Generation gen = new Generation(texts, BIGREC_BEAMS, true, true, 0);
          trials.add(score(served, valid, g4, new ServingPipeline(Kind.BIGREC, gen, new Grounding(POOL, 0,
              Grounding.NONE, 0))));
          for (String s : signals) {
            for (double gamma : GAMMAS) {
              trials.add(score(served, valid, g4, new ServingPipeline(Kind.BIGREC, gen, new Grounding(POOL, 0, s,
                  gamma))));
            }
            if (!s.equals(PopularitySignal.NAME) && options.families().contains(Kind.UNION)) {
              for (int m : UNION_CANDIDATES) {
                for (double gamma : GAMMAS) {
                  trials.add(score(served, valid, g4, new ServingPipeline(Kind.UNION, gen, new Grounding(POOL, m, s,
                      gamma))));
                }
              }
            }
          }
        }
      }
      for (String source : options.families().contains(Kind.RERANK) ? rerankSources : List.<String>of()) {
        listener.phase("validation: LLM likelihood of " + source + "'s top " + RERANK_CANDIDATES, valid.size());
        Map<CandidateScore, ServedRanking.Generations> ranked = served.rerank(valid, source, RERANK_CANDIDATES,
            RERANK_SCORES, listener::step);
        ranked.forEach((candidateScore, g) -> trials.add(score(served, valid, g, rerank(source, candidateScore))));
      }
      double[] d3Weights = !options.families().contains(Kind.D3) ? new double[0]
          : hasSasRec ? LAMBDAS : new double[] {0};
      for (double lambda : d3Weights) {
        if (lambda == 1) {
          continue; // the assistant alone: the ablation of D3, measured on test, never served
        }
        Generation d3 = new Generation(D3_BEAMS, D3_BEAMS, true, false, lambda);
        ServedRanking.Generations g = generate(served, valid, new ServingPipeline(Kind.D3, d3,
            new Grounding(POOL, 0, Grounding.NONE, 0)), "validation: D3 beams, assistant λ=" + lambda, listener);
        for (String s : signals) {
          for (double gamma : GAMMAS) {
            trials.add(score(served, valid, g, new ServingPipeline(Kind.D3, d3, new Grounding(POOL, 0, s, gamma))));
          }
        }
      }
      Scored top = trials.get(0);
      for (Scored t : trials) {
        if (t.ndcg() > top.ndcg()) {
          top = t;
        }
      }
      // the two-standard-error rule: the LLM serves only when its lead is well beyond the noise of that lead
      boolean withinNoise = top.pipeline().usesLlm() && top.ndcg() - bestNonLlm.ndcg()
          <= LLM_LEAD_STANDARD_ERRORS * RankingMetrics.pairedStdError(top.ranks(), bestNonLlm.ranks());
      Scored best = withinNoise ? bestNonLlm : top;

      // 2. test rows: the baselines, each family's best, the serving pipeline and its ablation
      Map<String, ServingPipeline> rows = new LinkedHashMap<>();
      rows.put("popularity", ServingPipeline.sequential(PopularitySignal.NAME));
      rows.put("item-to-item transitions", ServingPipeline.sequential(TransitionSignal.NAME));
      if (hasSasRec) {
        rows.put("SASRec", ServingPipeline.sequential(SasRec.NAME));
      }
      rows.put(COOCCURRENCE_ROW, ServingPipeline.sequential(TransitionSignal.COOCCURRENCE));
      rows.put(SIMILAR_ROW, ServingPipeline.sequential(SimilarItemsSignal.NAME));
      rows.put(MIXTURE_ROW, ServingPipeline.sequential(mixture));
      if (options.families().contains(Kind.BIGREC)) {
        rows.put("BIGRec (top beam, L2 grounding)", new ServingPipeline(Kind.BIGREC,
            new Generation(1, BIGREC_BEAMS, true, true, 0), new Grounding(POOL, 0, Grounding.NONE, 0)));
      }
      for (String s : signals) {
        bestOf(trials, p -> p.kind() == Kind.BIGREC && p.grounding().signal().equals(s))
            .ifPresent(p -> rows.put("BIGRec + " + s, p));
      }
      for (String s : signals) {
        bestOf(trials, p -> p.kind() == Kind.UNION && p.grounding().signal().equals(s))
            .ifPresent(p -> rows.put("BIGRec + " + s + ", union with " + s + "'s top items", p));
      }
      bestOf(trials, p -> p.kind() == Kind.D3 && p.generation().assistantWeight() == 0)
          .ifPresent(p -> rows.put("D3 decoding (no length normalisation), no assistant", p));
      bestOf(trials, p -> p.kind() == Kind.D3 && p.generation().assistantWeight() > 0)
          .ifPresent(p -> rows.put("D3 decoding + SASRec assistant", p));
      for (String source : rerankSources) {
        bestOf(trials, p -> p.kind() == Kind.RERANK && p.grounding().signal().equals(source)
            && p.generation().assistantWeight() < 1).ifPresent(p -> rows.put(source + "'s top " + RERANK_CANDIDATES
                + " ranked with the LLM (" + p.generation().candidateScore().label() + ")", p));
      }
      ServingPipeline serving = best.pipeline();
      String servedLabel = rows.entrySet().stream().filter(e -> e.getValue().equals(serving)).map(Map.Entry::getKey)
          .findFirst().orElse(null);
      if (servedLabel == null) {
        servedLabel = "serving pipeline: " + serving.name();
        rows.put(servedLabel, serving);
      }
      ServingPipeline ablation = withoutLlm(serving);
      if (!rows.containsValue(ablation)) {
        rows.put("the serving pipeline without the LLM", ablation);
      }

      Map<String, Double> ms = new LinkedHashMap<>();
      List<EvalReport.Row> table = measure(served, rows, serving, test, listener, ms);
      int later = (int) test.stream().filter(s -> s.sample().strictlyLater()).count();
      List<EvalReport.Trial> tried = trials.stream().sorted(Comparator.comparingDouble(Scored::ndcg).reversed())
          .map(t -> new EvalReport.Trial(t.pipeline().describe(), t.ndcg())).toList();
      Map<String, EvalReport.Candidate> byKind = new LinkedHashMap<>();
      for (Kind kind : Kind.values()) {
        trials.stream().filter(t -> t.pipeline().kind() == kind).max(Comparator.comparingDouble(Scored::ndcg))
            .ifPresent(t -> byKind.put(kind.label(), new EvalReport.Candidate(t.pipeline(), t.ndcg())));
      }
      // and the rerank of each candidate source by its name (sasrec+llm-rerank, transitions+llm-rerank,
      // mix+llm-rerank), and the best mixture alone (mix)
      trials.stream().filter(t -> t.pipeline().kind() == Kind.RERANK).map(t -> t.pipeline().name()).distinct()
          .forEach(name -> trials.stream().filter(t -> t.pipeline().name().equals(name))
              .max(Comparator.comparingDouble(Scored::ndcg))
              .ifPresent(t -> byKind.put(MixtureSignal.isMixture(name) ? MIX + "+" + Kind.RERANK.label() : name,
                  new EvalReport.Candidate(t.pipeline(), t.ndcg()))));
      trials.stream().filter(t -> t.pipeline().kind() == Kind.SEQUENTIAL
              && MixtureSignal.isMixture(t.pipeline().grounding().signal()))
          .max(Comparator.comparingDouble(Scored::ndcg))
          .ifPresent(t -> byKind.put(MIX, new EvalReport.Candidate(t.pipeline(), t.ndcg())));
      List<String> families = options.families().stream().map(k -> familyLabel(k, options)).toList();
      // the margin of the choice over the best of the other side (with / without the LLM), and its noise
      Scored runnerUp = serving.usesLlm() ? bestNonLlm : withinNoise ? top : trials.stream()
          .filter(t -> t.pipeline().usesLlm()).max(Comparator.comparingDouble(Scored::ndcg)).orElse(null);
      return new EvalReport(protocol, valid.size(), test.size(), later, families, table, serving, best.ndcg(),
          bestNonLlm.pipeline().name(), bestNonLlm.ndcg(), byKind, tried, ms,
          runnerUp == null ? null : runnerUp.pipeline().name(), runnerUp == null ? 0 : runnerUp.ndcg(),
          runnerUp == null ? 0 : RankingMetrics.pairedStdError(best.ranks(), runnerUp.ranks()));
    }
  }

  /**
   * Measures given pipelines on a test split (no validation): e.g. BIGRec's few-shot curve.
   *
   * @return one row per pipeline, in order
   */
  public List<EvalReport.Row> measure(Map<String, ServingPipeline> rows, List<Sample> testSplit, Listener listener) {
    List<EvalSample> test = EvalSample.of(sample(testSplit, options.testSamples(), options.seed() + 1),
        run.catalogue());
    try (ServedRanking served = new ServedRanking(run, options.maxNewTokens(), options.threads())) {
      return measure(served, rows, null, test, listener, new LinkedHashMap<>());
    }
  }

  private static List<EvalReport.Row> measure(ServedRanking served, Map<String, ServingPipeline> rows,
      ServingPipeline serving, List<EvalSample> test, Listener listener, Map<String, Double> medianMs) {
    Map<Generation, ServedRanking.Generations> testGen = new LinkedHashMap<>();
    Map<String, Map<CandidateScore, ServedRanking.Generations>> reranked = new HashMap<>();
    for (String source : rows.values().stream().filter(p -> p.kind() == Kind.RERANK).map(p -> p.grounding().signal())
        .distinct().toList()) {
      List<CandidateScore> scores = rows.values().stream().filter(p -> p.kind() == Kind.RERANK
          && p.grounding().signal().equals(source)).map(p -> p.generation().candidateScore()).distinct().toList();
      listener.phase("test: LLM likelihood of " + source + "'s top " + RERANK_CANDIDATES, test.size());
      reranked.put(source, served.rerank(test, source, RERANK_CANDIDATES, scores, listener::step));
    }
    List<EvalReport.Row> table = new ArrayList<>();
    for (Map.Entry<String, ServingPipeline> e : rows.entrySet()) {
      ServingPipeline p = e.getValue();
      ServedRanking.Generations gen = null;
      if (p.kind() == Kind.RERANK) {
        gen = reranked.get(p.grounding().signal()).get(p.generation().candidateScore());
      } else if (p.usesLlm()) {
        Generation key = new Generation(p.generation().beams(), p.generation().beams(), p.generation().constrained(),
            p.generation().lengthNormalised(), p.generation().assistantWeight());
        gen = testGen.get(key);
        if (gen == null) {
          gen = generate(served, test, new ServingPipeline(p.kind(), key, p.grounding()), "test: " + e.getKey(),
              listener);
          testGen.put(key, gen);
        }
      }
      int[] ranks = served.ranks(test, gen, p, K);
      table.add(new EvalReport.Row(e.getKey(), p, p.equals(serving), RankingMetrics.of(ranks),
          RankingMetrics.of(strictlyLater(test, ranks))));
    }
    testGen.forEach((g, gen) -> medianMs.put(label(g), median(gen.nanos())));
    return table;
  }

  /** A family's name for the protocol line; the re-ranking's names its candidate lists when they were narrowed. */
  private static String familyLabel(Kind k, Options options) {
    if (k != Kind.RERANK || options.rerankSources().containsAll(RERANK_SOURCE_NAMES)) {
      return k.label();
    }
    return k.label() + " (the candidates of "
        + String.join(", ", RERANK_SOURCE_NAMES.stream().filter(options.rerankSources()::contains).toList()) + " only)";
  }

  /** The rerank pipeline of {@code source}'s candidates, scored as {@code score} says. */
  static ServingPipeline rerank(String source, CandidateScore score) {
    return new ServingPipeline(Kind.RERANK, new Generation(RERANK_CANDIDATES, RERANK_CANDIDATES, true,
        score.perToken(), score.assistantWeight(), score.priorWeight()), rerankFill(source));
  }

  /** The same pipeline without the LLM: its signal alone; for D3 and the rerank the assistant alone (λ = 1). */
  static ServingPipeline withoutLlm(ServingPipeline p) {
    if (p.kind() == Kind.SEQUENTIAL) {
      return p;
    }
    if (p.kind() == Kind.RERANK) {
      return rerank(p.grounding().signal(), CandidateScore.d3(1));
    }
    if (p.kind() == Kind.D3 && p.generation().assistantWeight() > 0) {
      Generation g = p.generation();
      return new ServingPipeline(Kind.D3, new Generation(g.texts(), g.beams(), g.constrained(), g.lengthNormalised(), 1),
          p.grounding());
    }
    String s = p.grounding().signal();
    return ServingPipeline.sequential(Grounding.NONE.equals(s) ? PopularitySignal.NAME : s);
  }

  private record Scored(ServingPipeline pipeline, double ndcg, int[] ranks) {}

  private static Scored score(ServedRanking served, List<EvalSample> samples, ServedRanking.Generations gen,
      ServingPipeline p) {
    int[] ranks = served.ranks(samples, p.usesLlm() ? gen : null, p, K);
    return new Scored(p, RankingMetrics.ndcg10(ranks), ranks);
  }

  private static java.util.Optional<ServingPipeline> bestOf(List<Scored> trials,
      java.util.function.Predicate<ServingPipeline> which) {
    Scored best = null;
    for (Scored t : trials) {
      if (which.test(t.pipeline()) && (best == null || t.ndcg() > best.ndcg())) {
        best = t;
      }
    }
    return java.util.Optional.ofNullable(best).map(Scored::pipeline);
  }

  private static ServedRanking.Generations generate(ServedRanking served, List<EvalSample> samples,
      ServingPipeline decoding, String name, Listener listener) {
    listener.phase(name, samples.size());
    return served.generate(samples, decoding, listener::step);
  }

  private static int[] strictlyLater(List<EvalSample> samples, int[] ranks) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < ranks.length; i++) {
      if (samples.get(i).sample().strictlyLater()) {
        out.add(ranks[i]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static String label(Generation g) {
    return String.format(java.util.Locale.ROOT, "%d beams%s%s", g.beams(), g.lengthNormalised() ? "" : " (D3)",
        g.assistantWeight() > 0 ? " + assistant λ=" + g.assistantWeight() : "");
  }

  private static double median(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return 0;
    }
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) / 1e6;
  }
}
