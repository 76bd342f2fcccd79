package dev.recsys.ranking.signal;

/**
 * A statistical signal over the catalogue for one request: BIGRec's W before it is scaled to
 * [0, 1]. Higher means more likely to be the next item. Implementations: the training popularity
 * ({@link PopularitySignal}) and the sequential recommender
 * ({@link dev.recsys.ranking.sequential.SasRec}). Thread-safe.
 */
public interface ItemSignal {
  /** Name written into manifests and responses, e.g. {@code sasrec}. */
  String name();

  /**
   * One raw score per catalogue row.
   *
   * @param historyRows the user's history as catalogue rows, oldest first (unknown items left out)
   */
  float[] scores(int[] historyRows);

  /** W of BIGRec's formula: {@code scores} min-max scaled to [0, 1] (all zeros when they are all equal). */
  static double[] minMax(float[] scores) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    double range = (double) max - min;
    double[] w = new double[scores.length];
    if (range > 0) {
      for (int i = 0; i < w.length; i++) {
        w[i] = (scores[i] - min) / range;
      }
    }
    return w;
  }
}
