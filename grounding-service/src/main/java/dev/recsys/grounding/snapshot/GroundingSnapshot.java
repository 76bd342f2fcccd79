package dev.recsys.grounding.snapshot;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.index.ItemIndex;

/**
 * Everything grounding needs from one release, built once and then read-only: the catalogue,
 * its embeddings (row i = item i), the ANN index over them, and the release's tuned gamma.
 */
public record GroundingSnapshot(Catalogue catalogue, EmbeddingMatrix embeddings, ItemIndex index, double gamma) {}
