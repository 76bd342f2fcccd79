package dev.recsys.common.artifact;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A release's parameters, typed, as the manifest's {@code params} records them. The serving
 * pipeline's entries ({@code pipeline.*}) belong to the ranking library's {@code ServingPipeline},
 * which reads and writes them; this type holds the rest and ignores keys it does not know (written
 * by an older trainer), so that a newer service reads an older release.
 *
 * @param gamma      the popularity weight γ served by a release that records no serving pipeline
 *                   ({@code gamma}; {@code llm.gamma} in releases of the first LLM format)
 * @param llmEncoder the id of the base model's encoder, when the release carries an LLM
 *                   ({@code llm.encoder}: the hash of the base weights)
 * @param index      how the HNSW index was built, when the release ships one ({@code index.*})
 * @param metrics    what the run's evaluation measured ({@code metrics.*})
 */
public record ReleaseParams(double gamma, Optional<String> llmEncoder, Optional<Index> index, Metrics metrics) {

  /** HNSW build parameters. */
  public record Index(int m, int efConstruction) {}

  /**
   * The evaluation's numbers for the pipeline the release serves.
   *
   * @param validNdcg10           its validation NDCG@10 (the publish gate compares releases by it)
   * @param bestNonLlm            the best ranking without the LLM on validation
   * @param bestNonLlmValidNdcg10 that ranking's validation NDCG@10
   * @param testNdcg10            its NDCG@10 on the evaluation's test samples
   * @param testHr10              its HR@10 on them
   */
  public record Metrics(OptionalDouble validNdcg10, Optional<String> bestNonLlm, OptionalDouble bestNonLlmValidNdcg10,
      OptionalDouble testNdcg10, OptionalDouble testHr10) {
    public static final Metrics NONE = new Metrics(OptionalDouble.empty(), Optional.empty(), OptionalDouble.empty(),
        OptionalDouble.empty(), OptionalDouble.empty());
  }

  static final String GAMMA = "gamma";
  static final String LEGACY_LLM_GAMMA = "llm.gamma";
  static final String LLM_ENCODER = "llm.encoder";
  static final String INDEX_M = "index.m";
  static final String INDEX_EF_CONSTRUCTION = "index.efConstruction";
  static final String VALID_NDCG10 = "metrics.validNdcg10";
  static final String BEST_NON_LLM = "metrics.bestNonLlm";
  static final String BEST_NON_LLM_NDCG10 = "metrics.bestNonLlmValidNdcg10";
  static final String TEST_NDCG10 = "metrics.test.ndcg10";
  static final String TEST_HR10 = "metrics.test.hr10";

  /** A release without an LLM, index or metrics. */
  public static ReleaseParams of(double gamma) {
    return new ReleaseParams(gamma, Optional.empty(), Optional.empty(), Metrics.NONE);
  }

  public ReleaseParams withLlmEncoder(String id) {
    return new ReleaseParams(gamma, Optional.of(id), index, metrics);
  }

  public ReleaseParams withIndex(Index i) {
    return new ReleaseParams(gamma, llmEncoder, Optional.of(i), metrics);
  }

  public ReleaseParams withMetrics(Metrics m) {
    return new ReleaseParams(gamma, llmEncoder, index, m);
  }

  /**
   * Reads the parameters of a manifest.
   *
   * @throws IllegalArgumentException naming the parameter when one is malformed
   */
  public static ReleaseParams of(Map<String, String> params) {
    double gamma = params.containsKey(LEGACY_LLM_GAMMA) ? number(params, LEGACY_LLM_GAMMA).getAsDouble()
        : number(params, GAMMA).orElse(0);
    Optional<Index> index = params.containsKey(INDEX_M) || params.containsKey(INDEX_EF_CONSTRUCTION)
        ? Optional.of(new Index(integer(params, INDEX_M), integer(params, INDEX_EF_CONSTRUCTION))) : Optional.empty();
    Metrics metrics = new Metrics(number(params, VALID_NDCG10), Optional.ofNullable(params.get(BEST_NON_LLM)),
        number(params, BEST_NON_LLM_NDCG10), number(params, TEST_NDCG10), number(params, TEST_HR10));
    return new ReleaseParams(gamma, Optional.ofNullable(params.get(LLM_ENCODER)), index, metrics);
  }

  /** The manifest entries of these parameters. */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(GAMMA, Double.toString(gamma));
    llmEncoder.ifPresent(e -> out.put(LLM_ENCODER, e));
    index.ifPresent(i -> {
      out.put(INDEX_M, Integer.toString(i.m()));
      out.put(INDEX_EF_CONSTRUCTION, Integer.toString(i.efConstruction()));
    });
    put(out, VALID_NDCG10, metrics.validNdcg10());
    metrics.bestNonLlm().ifPresent(b -> out.put(BEST_NON_LLM, b));
    put(out, BEST_NON_LLM_NDCG10, metrics.bestNonLlmValidNdcg10());
    put(out, TEST_NDCG10, metrics.testNdcg10());
    put(out, TEST_HR10, metrics.testHr10());
    return out;
  }

  private static void put(Map<String, String> out, String key, OptionalDouble v) {
    v.ifPresent(d -> out.put(key, Double.toString(d)));
  }

  private static OptionalDouble number(Map<String, String> params, String key) {
    String v = params.get(key);
    if (v == null) {
      return OptionalDouble.empty();
    }
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return OptionalDouble.of(d);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter '" + key + "' must be a finite number, got '" + v + "'");
    }
  }

  private static int integer(Map<String, String> params, String key) {
    String v = params.get(key);
    if (v == null) {
      throw new IllegalArgumentException("parameter '" + key + "' is missing");
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter '" + key + "' must be an integer, got '" + v + "'");
    }
  }
}
