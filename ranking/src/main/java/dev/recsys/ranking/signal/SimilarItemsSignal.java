package dev.recsys.ranking.signal;

import dev.recsys.common.embedding.EmbeddingMatrix;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Content similarity: the items whose titles read like the user's recent items. It is BIGRec's
 * grounding step applied to the history itself: each of the last {@link #WINDOW} history items is
 * "grounded" to its {@link #NEIGHBOURS} nearest catalogue items by cosine similarity of the
 * release's sentence-encoder embeddings ({@code embeddings.bin}, every release has it), and those
 * neighbours share the item's weight by a softmax of their similarity at temperature
 * {@link #TEMPERATURE}. As for the transition counts, the most recent item counts most:
 * <pre>  s(j) = sum_i  w_i * softmax_τ(cos(e_i, e_j)) over i's neighbours,   w_i = 1 / (1 + distance of h_i from the end)</pre>
 * History items score 0. The signal carries no popularity and no co-occurrence: it is the
 * semantic half of a mixture ({@link MixtureSignal}) whose collaborative half is the counts or
 * SASRec. It knows the catalogue items a training split never showed (their titles are enough).
 *
 * <p>The neighbour table is computed once per release by exact search over the whole catalogue
 * (rows × rows dot products: about 3 s for 3,459 items on two cores, growing with the square of
 * the catalogue), so evaluation and serving, which both build it from the same file, agree.
 */
public final class SimilarItemsSignal implements ItemSignal {
  public static final String NAME = "similar";
  /** Nearest items each history item is grounded to. */
  public static final int NEIGHBOURS = 50;
  /** Softmax temperature over a history item's neighbours' cosine similarities. */
  public static final double TEMPERATURE = 0.1;
  /** History items read, the most recent last (as the transition counts read them). */
  public static final int WINDOW = 10;

  private final int size;
  private final int[][] neighbours;
  private final float[][] weights;

  private SimilarItemsSignal(int size, int[][] neighbours, float[][] weights) {
    this.size = size;
    this.neighbours = neighbours;
    this.weights = weights;
  }

  /**
   * The signal over the items a matrix embeds (row i = catalogue item i), with the defaults.
   *
   * @throws IllegalArgumentException when the matrix has a row of zero length (no direction)
   */
  public static SimilarItemsSignal of(EmbeddingMatrix embeddings) {
    return of(embeddings, NEIGHBOURS, TEMPERATURE);
  }

  static SimilarItemsSignal of(EmbeddingMatrix embeddings, int k, double temperature) {
    int n = embeddings.rows();
    int d = embeddings.dimension();
    float[] unit = unitRows(embeddings);
    int kk = Math.min(k, n - 1);
    int[][] neighbours = new int[n][];
    float[][] weights = new float[n][];
    IntStream.range(0, n).parallel().forEach(i -> {
      float[] cos = new float[n];
      int oi = i * d;
      for (int j = 0; j < n; j++) {
        int oj = j * d;
        float dot = 0;
        for (int c = 0; c < d; c++) {
          dot += unit[oi + c] * unit[oj + c];
        }
        cos[j] = dot;
      }
      cos[i] = Float.NEGATIVE_INFINITY; // an item is not its own neighbour
      int[] top = top(cos, kk);
      float[] w = new float[top.length];
      double max = top.length == 0 ? 0 : cos[top[0]];
      double sum = 0;
      for (int t = 0; t < top.length; t++) {
        w[t] = (float) Math.exp((cos[top[t]] - max) / temperature);
        sum += w[t];
      }
      for (int t = 0; t < w.length; t++) {
        w[t] = (float) (w[t] / sum);
      }
      neighbours[i] = top;
      weights[i] = w;
    });
    return new SimilarItemsSignal(n, neighbours, weights);
  }

  private static float[] unitRows(EmbeddingMatrix m) {
    int d = m.dimension();
    float[] out = Arrays.copyOf(m.data(), m.data().length);
    for (int i = 0; i < m.rows(); i++) {
      double norm = 0;
      for (int c = 0; c < d; c++) {
        norm += (double) out[i * d + c] * out[i * d + c];
      }
      if (!(norm > 0) || !Double.isFinite(norm)) {
        throw new IllegalArgumentException("embedding row " + i + " has no direction (norm " + Math.sqrt(norm)
            + "); the snapshot is corrupt");
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int c = 0; c < d; c++) {
        out[i * d + c] *= inv;
      }
    }
    return out;
  }

  /**
   * The rows of the k largest values, largest first (ties: the smaller row first), by one pass
   * that keeps the best k seen so far in order: a row enters only when it beats the k-th, so
   * for k much smaller than the catalogue almost every row costs one comparison.
   */
  private static int[] top(float[] v, int k) {
    int[] out = new int[k];
    int size = 0;
    for (int r = 0; r < v.length && k > 0; r++) {
      if (size == k && Float.compare(v[r], v[out[k - 1]]) <= 0) {
        continue; // rows come in increasing order: an equal value loses to the earlier row
      }
      int at = size < k ? size++ : k - 1;
      while (at > 0 && Float.compare(v[r], v[out[at - 1]]) > 0) {
        out[at] = out[at - 1];
        at--;
      }
      out[at] = r;
    }
    return out;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The nearest rows of {@code row}, nearest first (for tests and tools). */
  public int[] neighbours(int row) {
    return neighbours[row].clone();
  }

  @Override
  public float[] scores(int[] historyRows) {
    float[] out = new float[size];
    Set<Integer> seen = SignalRanking.seen(historyRows);
    int start = Math.max(0, historyRows.length - WINDOW);
    for (int i = start; i < historyRows.length; i++) {
      int h = historyRows[i];
      if (h < 0 || h >= size) {
        continue;
      }
      double w = 1.0 / (1 + (historyRows.length - 1 - i));
      int[] nb = neighbours[h];
      float[] wt = weights[h];
      for (int t = 0; t < nb.length; t++) {
        if (!seen.contains(nb[t])) {
          out[nb[t]] += (float) (w * wt[t]);
        }
      }
    }
    return out;
  }

  /** The scores normalised to sum 1 (0 outside the history's neighbourhoods; all 0 for an empty history). */
  @Override
  public float[] distribution(int[] historyRows) {
    float[] s = scores(historyRows);
    double sum = 0;
    for (float v : s) {
      sum += v;
    }
    if (sum > 0) {
      for (int r = 0; r < s.length; r++) {
        s[r] = (float) (s[r] / sum);
      }
    }
    return s;
  }
}
