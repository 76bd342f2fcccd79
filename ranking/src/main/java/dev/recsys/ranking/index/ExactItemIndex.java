package dev.recsys.ranking.index;

import dev.recsys.common.embedding.EmbeddingMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Brute-force search: scans every row. The ground truth for {@link HnswItemIndex}. */
public final class ExactItemIndex implements ItemIndex {
  private final EmbeddingMatrix matrix;

  public ExactItemIndex(EmbeddingMatrix matrix) {
    this.matrix = matrix;
  }

  @Override
  public List<Neighbour> nearest(float[] query, int n) {
    int d = matrix.dimension();
    float[] data = matrix.data();
    float[] row = new float[d];
    // max-heap of the n best so far
    PriorityQueue<Neighbour> best = new PriorityQueue<>(n + 1, (x, y) -> Float.compare(y.distance(), x.distance()));
    for (int r = 0; r < matrix.rows(); r++) {
      System.arraycopy(data, r * d, row, 0, d);
      float dist = SquaredL2.of(query, row);
      if (best.size() < n) {
        best.add(new Neighbour(r, dist));
      } else if (dist < best.peek().distance()) {
        best.poll();
        best.add(new Neighbour(r, dist));
      }
    }
    List<Neighbour> out = new ArrayList<>(best);
    out.sort((x, y) -> {
      int c = Float.compare(x.distance(), y.distance());
      return c != 0 ? c : Integer.compare(x.row(), y.row());
    });
    return out;
  }

  @Override
  public int size() {
    return matrix.rows();
  }
}
