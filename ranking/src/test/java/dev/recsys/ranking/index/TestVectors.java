package dev.recsys.ranking.index;

import dev.recsys.common.embedding.EmbeddingMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Clustered vectors for index tests: recall on uniform random vectors means nothing. */
final class TestVectors {
  private TestVectors() {}

  /** {@code clusters} Gaussian centres, points spread around them. */
  static EmbeddingMatrix clustered(int rows, int dim, int clusters, long seed) {
    Random rnd = new Random(seed);
    float[][] centres = new float[clusters][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) rnd.nextGaussian();
      }
    }
    float[][] out = new float[rows][dim];
    for (int i = 0; i < rows; i++) {
      float[] c = centres[rnd.nextInt(clusters)];
      for (int j = 0; j < dim; j++) {
        out[i][j] = c[j] + 0.3f * (float) rnd.nextGaussian();
      }
    }
    return EmbeddingMatrix.of("test", out);
  }

  static List<float[]> queriesNear(EmbeddingMatrix m, int count, long seed) {
    Random rnd = new Random(seed);
    List<float[]> qs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      float[] q = m.row(rnd.nextInt(m.rows()));
      for (int j = 0; j < q.length; j++) {
        q[j] += 0.2f * (float) rnd.nextGaussian();
      }
      qs.add(q);
    }
    return qs;
  }
}
