package dev.recsys.generator.backend;

import java.util.List;

/**
 * Proposes texts for the item a user should see next. Implementations: the collaborative
 * {@code TransitionBaselineBackend} (always available; the degraded-mode fallback) and, in later
 * releases, the LLM backends (Triton over gRPC, in-process DJL).
 */
public interface GenerationBackend {
  /** Name reported in responses, e.g. {@code transition-baseline}. */
  String name();

  /**
   * @param tenant  tenant whose model serves the request
   * @param history the user's history, oldest first (ids already validated against the catalogue)
   * @param n       number of texts wanted, >= 1
   * @return up to {@code n} texts, most likely first, and the model version that made them
   * @throws dev.recsys.common.rpc.RequestException NOT_FOUND / UNAVAILABLE when no model is loaded
   */
  Generation generate(String tenant, List<String> history, int n);

  /** Whether the backend has a model loaded for the tenant. */
  boolean serves(String tenant);

  /** Texts with scores (higher = more likely) and the version of the model that produced them. */
  record Generation(List<Candidate> texts, String modelVersion) {}

  record Candidate(String text, double score) {}
}
