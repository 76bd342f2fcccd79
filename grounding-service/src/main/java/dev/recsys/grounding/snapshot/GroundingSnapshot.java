package dev.recsys.grounding.snapshot;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.encoder.Encoder;
import dev.recsys.common.index.ItemIndex;

/**
 * Everything grounding needs from one release, built once and then read-only: the catalogue,
 * its embeddings (row i = item i), the ANN index over them, the encoder that made them (generated
 * texts must be embedded by the same one) and the release's tuned gamma. Closing it frees an
 * encoder that holds native memory (the release's LLM); the shared sentence encoder stays open.
 */
public record GroundingSnapshot(Catalogue catalogue, EmbeddingMatrix embeddings, ItemIndex index, double gamma,
    Encoder encoder, boolean ownsEncoder) implements AutoCloseable {

  /** A snapshot made by a shared encoder (not closed with the snapshot). */
  public GroundingSnapshot(Catalogue catalogue, EmbeddingMatrix embeddings, ItemIndex index, double gamma,
      Encoder encoder) {
    this(catalogue, embeddings, index, gamma, encoder, false);
  }

  @Override
  public void close() throws Exception {
    if (ownsEncoder && encoder instanceof AutoCloseable c) {
      c.close();
    }
  }
}
