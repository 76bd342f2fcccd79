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

  /**
   * The signal as a distribution over the rows that may be recommended (every row outside
   * {@code excludedRows}): {@code log P(row)} for each of {@code rows}. By default the scores are
   * non-negative weights (counts), normalised as they are; a zero weight gets a millionth of the
   * smallest positive one. A model whose scores are logits overrides this with a log-softmax.
   */
  default double[] logProbabilities(float[] scores, java.util.Set<Integer> excludedRows, int[] rows) {
    double sum = 0;
    double smallest = Double.POSITIVE_INFINITY;
    for (int r = 0; r < scores.length; r++) {
      if (!excludedRows.contains(r) && scores[r] > 0) {
        sum += scores[r];
        smallest = Math.min(smallest, scores[r]);
      }
    }
    double floor = sum > 0 ? smallest * 1e-6 : 1;
    double total = sum > 0 ? sum : scores.length - excludedRows.size();
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = Math.log(Math.max(scores[rows[i]], floor) / total);
    }
    return out;
  }

  /**
   * The signal as a distribution over the next item: {@code P(row)} for every catalogue row, 0 for
   * the history's rows. By default {@link #logProbabilities} over the rows outside the history,
   * exponentiated; the transition counts override it with their own distribution (no back-off).
   */
  default float[] distribution(int[] historyRows) {
    float[] scores = scores(historyRows);
    java.util.Set<Integer> seen = SignalRanking.seen(historyRows);
    return probabilities(scores.length, seen, rows -> logProbabilities(scores, seen, rows));
  }

  /**
   * {@code P(row) = exp(log P(row))} for every one of {@code size} catalogue rows, 0 for the
   * excluded ones, from a function giving {@code log P} of the rows it is handed.
   */
  static float[] probabilities(int size, java.util.Set<Integer> excludedRows,
      java.util.function.Function<int[], double[]> logProbabilities) {
    int[] all = new int[size];
    for (int r = 0; r < size; r++) {
      all[r] = r;
    }
    double[] logP = logProbabilities.apply(all);
    float[] out = new float[size];
    for (int r = 0; r < size; r++) {
      out[r] = excludedRows.contains(r) ? 0f : (float) Math.exp(logP[r]);
    }
    return out;
  }

  /** {@code log softmax(scores)} over the rows outside {@code excludedRows}, for each of {@code rows}. */
  static double[] logSoftmax(float[] scores, java.util.Set<Integer> excludedRows, int[] rows) {
    double max = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < scores.length; r++) {
      if (!excludedRows.contains(r)) {
        max = Math.max(max, scores[r]);
      }
    }
    double sum = 0;
    for (int r = 0; r < scores.length; r++) {
      if (!excludedRows.contains(r)) {
        sum += Math.exp(scores[r] - max);
      }
    }
    double logZ = max + Math.log(sum);
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = scores[rows[i]] - logZ;
    }
    return out;
  }

  /** Finds a release's signals by name ({@code sasrec}, {@code transitions}, ...): null when it has none such. */
  @FunctionalInterface
  interface Lookup {
    ItemSignal signal(String name);
  }

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
