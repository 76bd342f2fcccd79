package dev.recsys.grounding.service;

import dev.recsys.serving.release.StoreConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration of the grounding service; every default lives here. */
@ConfigMapping(prefix = "recsys.grounding")
public interface GroundingConfig {
  /** The artifact store and channel this service serves from. */
  StoreConfig store();

  /**
   * ANN candidates per generated text that D^ is normalised over (the "N" of the method notes),
   * for a release that does not record its serving pipeline (newer releases carry their own).
   */
  @WithDefault("100")
  int candidatePool();

  /** Texts grounded per request by a release that does not record its serving pipeline. */
  @WithDefault("4")
  int defaultTexts();

  /**
   * Ground a release that carries a trained LLM as BIGRec does, in the base model's embedding
   * space (its {@code llm-embeddings.bin}, texts embedded by its base model); off = always the
   * sentence-encoder snapshot.
   */
  @WithDefault("true")
  boolean llmEmbeddings();

  Hnsw hnsw();

  interface Hnsw {
    @WithDefault("16")
    int m();

    @WithDefault("200")
    int efConstruction();

    @WithDefault("100")
    int ef();
  }
}
