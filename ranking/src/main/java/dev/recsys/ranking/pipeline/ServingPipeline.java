package dev.recsys.ranking.pipeline;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.llm.CandidateScore;
import dev.recsys.ranking.signal.MixtureSignal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a release ranks items: the generator's part (how texts are decoded) and the grounding
 * service's part (how texts become items). The trainer's evaluation picks one on validation and
 * writes it into the release's manifest ({@link #toParams}); both services read it back
 * ({@link #fromParams}), so the evaluation, the generator and the grounding service run the same
 * pipeline with the same parameters.
 *
 * <p>The kinds (the candidates, in BIGRec's and D3's terms):
 * <ul>
 *   <li>{@link Kind#BIGREC}: the LLM's beams (catalogue-constrained), each grounded to its nearest
 *       items, re-weighted by W: {@code D~ = D^ (1 + W)^-gamma};</li>
 *   <li>{@link Kind#UNION}: the same, with the top items of W's model (the sequential model) added
 *       to every text's candidates, all scored by that formula;</li>
 *   <li>{@link Kind#D3}: a wider constrained beam search ranked by summed log-probability (no
 *       length normalisation) with the sequential model mixed into every step as D3's text-free
 *       assistant, weight λ; the beams come first, grounding fills the rest;</li>
 *   <li>{@link Kind#RERANK}: the top items of W's model (the sequential model, or the transition
 *       counts) ranked by the same score as D3's beams, computed exactly for each
 *       ({@code (1 - λ) log p_LLM(title) + λ log p_W(item)}), or by the LLM's pointwise mutual
 *       information with the history in place of its likelihood ({@link CandidateScore}); two-stage
 *       retrieval and LLM ranking as in LlamaRec (Yue et al., 2023);</li>
 *   <li>{@link Kind#SEQUENTIAL}: the signal W alone (the sequential model, or the transition
 *       counts), no LLM: the ablation, and what a release serves when nothing with the LLM beats
 *       it on validation.</li>
 * </ul>
 *
 * @param kind       the family
 * @param generation how the generator decodes
 * @param grounding  how the grounding service ranks
 */
public record ServingPipeline(Kind kind, Generation generation, Grounding grounding) {
  /** A pipeline family. */
  public enum Kind {
    BIGREC("bigrec"), UNION("bigrec-union"), D3("d3"), RERANK("llm-rerank"), SEQUENTIAL("sequential");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** The kind with this label ({@code bigrec}, {@code bigrec-union}, {@code d3}, {@code llm-rerank}, ...). */
    public static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown pipeline kind '" + label + "'");
    }
  }

  /**
   * The generator's part.
   *
   * @param texts            generated texts grounded (the best of the beams), or candidates ranked
   * @param beams            beam width (>= texts)
   * @param constrained      restrict decoding to catalogue titles (a title trie)
   * @param lengthNormalised divide a beam's log-probability by its length (BIGRec) or not (D3); for
   *                         ranked candidates, the LLM's part per token
   * @param assistantWeight  λ of D3's assistant (the sequential model) in every step, or of the
   *                         candidates' signal; 0 = none
   * @param priorWeight      β: for ranked candidates, the weight of each title's log-probability
   *                         without a history, taken out of its likelihood ({@link CandidateScore});
   *                         0 for every other kind
   */
  public record Generation(int texts, int beams, boolean constrained, boolean lengthNormalised,
      double assistantWeight, double priorWeight) {
    public Generation {
      if (texts < 0 || beams < Math.max(1, texts)) {
        throw new IllegalArgumentException("need texts >= 0 and beams >= max(1, texts), got " + texts + " and " + beams);
      }
      if (!(assistantWeight >= 0 && assistantWeight <= 1)) {
        throw new IllegalArgumentException("assistant weight must be in [0, 1], got " + assistantWeight);
      }
      if (!(priorWeight >= 0 && priorWeight <= 1)) {
        throw new IllegalArgumentException("prior weight must be in [0, 1], got " + priorWeight);
      }
    }

    /** A generation without a prior weight (every kind but the ranked candidates). */
    public Generation(int texts, int beams, boolean constrained, boolean lengthNormalised, double assistantWeight) {
      this(texts, beams, constrained, lengthNormalised, assistantWeight, 0);
    }

    /** How ranked candidates are scored. */
    public CandidateScore candidateScore() {
      return new CandidateScore(assistantWeight, priorWeight, lengthNormalised);
    }
  }

  /**
   * The grounding service's part.
   *
   * @param pool                 nearest items per text that D^ is normalised over
   * @param signalCandidates     the top items by W added to every text's candidates (0 = none)
   * @param signal               W: {@code popularity}, {@code sasrec}, {@code transitions},
   *                             {@code cooccurrence}, {@code similar}, a mixture of them
   *                             ({@link MixtureSignal}) or {@code none}
   * @param gamma                γ of {@code D~ = D^ (1 + W)^-gamma}
   */
  public record Grounding(int pool, int signalCandidates, String signal, double gamma) {
    public static final String NONE = "none";

    public Grounding {
      if (pool < 1 || signalCandidates < 0) {
        throw new IllegalArgumentException("need pool >= 1 and signal candidates >= 0");
      }
      if (!(gamma >= 0 && gamma <= 100)) {
        throw new IllegalArgumentException("gamma must be in [0, 100], got " + gamma);
      }
      if (signal == null || signal.isBlank()) {
        throw new IllegalArgumentException("signal must be named (popularity, sasrec, transitions, cooccurrence, similar, a mixture or none)");
      }
      if (MixtureSignal.isMixture(signal)) {
        MixtureSignal.weightsOf(signal); // a malformed mixture is refused with the manifest, not per request
      }
    }

    public Grounding withGamma(double g) {
      return new Grounding(pool, signalCandidates, signal, g);
    }
  }

  public ServingPipeline {
    if (kind == Kind.SEQUENTIAL && generation.texts() != 0) {
      throw new IllegalArgumentException("the sequential pipeline grounds no texts");
    }
    if (kind == Kind.RERANK && !RERANK_SOURCES.contains(grounding.signal())
        && !MixtureSignal.isMixture(grounding.signal())) {
      throw new IllegalArgumentException("the rerank pipeline takes its candidates from " + RERANK_SOURCES
          + " or their mixture, not '" + grounding.signal() + "'");
    }
    if (kind != Kind.RERANK && generation.priorWeight() != 0) {
      throw new IllegalArgumentException("only the rerank pipeline weighs titles' priors, not " + kind.label());
    }
  }


  /**
   * The name served in responses: the signal alone ({@code sasrec}); BIGRec and its signal when it
   * re-weights ({@code bigrec+sasrec}, {@code bigrec-union+sasrec}); D3 and its assistant
   * ({@code d3+sasrec}); a signal's candidates ranked by the LLM ({@code sasrec+llm-rerank},
   * {@code transitions+llm-rerank}).
   */
  public String name() {
    return switch (kind) {
      case SEQUENTIAL -> grounding.signal();
      case D3 -> generation.assistantWeight() > 0 ? kind.label() + "+" + SASREC : kind.label();
      case RERANK -> grounding.signal() + "+" + kind.label();
      case UNION -> kind.label() + "+" + grounding.signal();
      case BIGREC -> Grounding.NONE.equals(grounding.signal()) || grounding.gamma() == 0 ? kind.label()
          : kind.label() + "+" + grounding.signal();
    };
  }

  /** Every parameter, for tables and logs. */
  public String describe() {
    if (kind == Kind.SEQUENTIAL) {
      return grounding.signal() + " alone (no LLM, no generated texts)";
    }
    if (kind == Kind.RERANK) {
      Generation g = generation;
      String llm = g.priorWeight() > 0 ? "(log p_LLM - β log p_LLM(no history))" : "log p_LLM";
      return String.format(Locale.ROOT, "%s (%s's top %d unseen items ranked by (1-λ) %s%s + λ log p_%s, "
          + "λ=%s%s; then W=%s, γ=%s past them)", name(), grounding.signal(), g.texts(),
          llm, g.lengthNormalised() ? " per token" : "", grounding.signal(), fmt(g.assistantWeight()),
          g.priorWeight() > 0 ? ", β=" + fmt(g.priorWeight()) : "", grounding.signal(), fmt(grounding.gamma()));
    }
    Generation g = generation;
    Grounding r = grounding;
    return String.format(Locale.ROOT, "%s (texts %d of %d beams, %s, %s, assistant λ=%s; pool %d, +%d top items of "
            + "W, W=%s, γ=%s)", name(), g.texts(), g.beams(), g.constrained() ? "constrained" : "free",
        g.lengthNormalised() ? "length-normalised" : "summed log-probabilities", fmt(g.assistantWeight()), r.pool(),
        r.signalCandidates(), r.signal(), fmt(r.gamma()));
  }

  /** Whether the LLM takes part (every kind but the sequential model alone). */
  public boolean usesLlm() {
    return kind != Kind.SEQUENTIAL;
  }

  /** Whether a sequential model (SASRec) must be loaded to serve it: as W, as D3's assistant, for candidates. */
  public boolean needsSequential() {
    return generationNeedsSequential() || reads(SASREC);
  }

  /** Whether the generator needs the sequential model: D3's assistant, or the candidates it ranks. */
  public boolean generationNeedsSequential() {
    return kind == Kind.RERANK ? reads(SASREC) : generation.assistantWeight() > 0;
  }

  /** Whether the signal {@code name} must be loaded to serve it: as W or in W's mixture. */
  public boolean reads(String name) {
    return name.equals(grounding.signal()) || MixtureSignal.mixes(grounding.signal(), name);
  }

  /**
   * Whether the generator needs the LLM's log-probability of every title without a history
   * ({@code llm-title-prior.tsv}): ranked candidates scored with a prior weight.
   */
  public boolean needsTitlePriors() {
    return kind == Kind.RERANK && generation.candidateScore().needsPrior();
  }

  /** Whether the generator needs the signal {@code name}: it ranks the candidates of a mixture with it. */
  public boolean generationReads(String name) {
    return kind == Kind.RERANK && reads(name);
  }

  /** The sequential model's signal name. */
  public static final String SASREC = "sasrec";
  /** The transition counts' signal name. */
  public static final String TRANSITIONS = "transitions";
  /** The co-occurrence weights' signal name. */
  public static final String COOCCURRENCE = dev.recsys.ranking.signal.TransitionSignal.COOCCURRENCE;
  /** Content similarity's signal name ({@link dev.recsys.ranking.signal.SimilarItemsSignal}). */
  public static final String SIMILAR = dev.recsys.ranking.signal.SimilarItemsSignal.NAME;
  /** The signals whose top items the LLM can re-rank (those the generator loads). */
  public static final java.util.List<String> RERANK_SOURCES = java.util.List.of(SASREC, TRANSITIONS);

  /** The signal {@code signal} alone (no LLM, no texts): the sequential model or the transition counts. */
  public static ServingPipeline sequential(String signal) {
    return new ServingPipeline(Kind.SEQUENTIAL, new Generation(0, 1, true, true, 0), new Grounding(1, 0, signal, 0));
  }

  /**
   * What ranks a request of pipeline {@code p} that brings no texts (its generator could not
   * answer): the pipeline's mixture of signals when it ranks by one, else the
   * sequential model alone when the pipeline uses it, the transition counts otherwise.
   */
  public static ServingPipeline withoutTexts(ServingPipeline p) {
    if (p.kind() == Kind.SEQUENTIAL) {
      return p;
    }
    if (MixtureSignal.isMixture(p.grounding().signal())) {
      return sequential(p.grounding().signal());
    }
    return sequential(p.needsSequential() ? SASREC : TRANSITIONS);
  }

  public ServingPipeline withGrounding(Grounding g) {
    return new ServingPipeline(kind, generation, g);
  }

  static final String PREFIX = "pipeline.";

  /** The manifest parameters that describe this pipeline. */
  public Map<String, String> toParams() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(PREFIX + "kind", kind.label());
    p.put(PREFIX + "name", name());
    p.put(PREFIX + "texts", Integer.toString(generation.texts()));
    p.put(PREFIX + "beams", Integer.toString(generation.beams()));
    p.put(PREFIX + "constrained", Boolean.toString(generation.constrained()));
    p.put(PREFIX + "lengthNormalised", Boolean.toString(generation.lengthNormalised()));
    p.put(PREFIX + "assistantWeight", Double.toString(generation.assistantWeight()));
    p.put(PREFIX + "priorWeight", Double.toString(generation.priorWeight()));
    p.put(PREFIX + "pool", Integer.toString(grounding.pool()));
    p.put(PREFIX + "signalCandidates", Integer.toString(grounding.signalCandidates()));
    p.put(PREFIX + "signal", grounding.signal());
    p.put(PREFIX + "gamma", Double.toString(grounding.gamma()));
    return p;
  }

  /**
   * The pipeline a release serves ({@link #fromParams} of its manifest).
   *
   * @throws ArtifactException naming the manifest and the parameter when one is malformed
   */
  public static ServingPipeline of(ReleaseLayout release, int defaultPool, int defaultTexts) {
    try {
      return fromParams(release.manifest().params(), defaultPool, defaultTexts);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(release.file(ReleaseLayout.MANIFEST), e.getMessage());
    }
  }

  /**
   * The pipeline a release's parameters describe. A release written before pipelines existed
   * serves BIGRec with popularity re-weighting: its {@code llm.gamma} (or {@code gamma}), the
   * given candidate pool and number of texts.
   *
   * @throws IllegalArgumentException naming the parameter when one is malformed
   */
  public static ServingPipeline fromParams(Map<String, String> params, int defaultPool, int defaultTexts) {
    if (!params.containsKey(PREFIX + "kind")) {
      double gamma = Double.parseDouble(params.getOrDefault("llm.gamma", params.getOrDefault("gamma", "0")));
      return new ServingPipeline(Kind.BIGREC, new Generation(defaultTexts, defaultTexts, true, true, 0),
          new Grounding(defaultPool, 0, "popularity", gamma));
    }
    try {
      return new ServingPipeline(Kind.of(params.get(PREFIX + "kind")),
          new Generation(integer(params, "texts"), integer(params, "beams"), bool(params, "constrained"),
              bool(params, "lengthNormalised"), number(params, "assistantWeight"),
              // a release written before the prior weight existed ranks without one
              params.containsKey(PREFIX + "priorWeight") ? number(params, "priorWeight") : 0),
          new Grounding(integer(params, "pool"), integer(params, "signalCandidates"), text(params, "signal"),
              number(params, "gamma")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed pipeline parameter: " + e.getMessage(), e);
    }
  }

  private static String text(Map<String, String> params, String key) {
    String v = params.get(PREFIX + key);
    if (v == null) {
      throw new IllegalArgumentException("pipeline parameter '" + PREFIX + key + "' is missing");
    }
    return v;
  }

  private static int integer(Map<String, String> params, String key) {
    return Integer.parseInt(text(params, key));
  }

  private static double number(Map<String, String> params, String key) {
    return Double.parseDouble(text(params, key));
  }

  private static boolean bool(Map<String, String> params, String key) {
    String v = text(params, key);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("pipeline parameter '" + PREFIX + key + "' must be true or false, got '"
          + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
