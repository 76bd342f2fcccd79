package dev.recsys.ranking.encoder;

import java.util.List;

/**
 * Maps texts to vectors in one embedding space. The catalogue's snapshot and the generated texts
 * must be embedded by the same encoder (same {@link #id()}), or distances mean nothing.
 * Implementations are thread-safe.
 */
public interface Encoder {
  /** Stable identifier written into snapshots, e.g. {@code all-minilm-l6-v2-q}. */
  String id();

  int dimension();

  /** One vector of {@link #dimension()} floats per text, in order. */
  float[][] encode(List<String> texts);
}
