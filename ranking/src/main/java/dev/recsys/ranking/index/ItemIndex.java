package dev.recsys.ranking.index;

import java.util.List;

/**
 * Nearest-neighbour search over the item embeddings of one snapshot. Thread-safe for searches.
 * Implementations: {@link HnswItemIndex} (approximate, for serving) and {@link ExactItemIndex}
 * (brute force, the reference that recall is measured against).
 */
public interface ItemIndex {
  /** The {@code n} nearest rows to {@code query}, nearest first. */
  List<Neighbour> nearest(float[] query, int n);

  int size();
}
