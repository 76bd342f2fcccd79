package dev.recsys.ranking.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ranking metrics with one relevant item per sample and its 0-based rank r in the ranking served
 * for that sample ({@link #MISS} when the ranking does not contain it):
 * {@code HR@K = [r < K]}, {@code NDCG@K = 1 / log2(r + 2)} if r < K else 0, averaged over samples.
 */
public record RankingMetrics(int samples, Map<Integer, Double> ndcg, Map<Integer, Double> hr) {
  public static final int[] CUTOFFS = {1, 3, 5, 10, 20};
  /** The rank of a target the ranking does not contain. */
  public static final int MISS = Integer.MAX_VALUE;

  public static RankingMetrics of(int[] ranks) {
    Map<Integer, Double> ndcg = new LinkedHashMap<>();
    Map<Integer, Double> hr = new LinkedHashMap<>();
    for (int k : CUTOFFS) {
      double n = 0;
      double h = 0;
      for (int r : ranks) {
        if (r < k) {
          h += 1;
        }
        n += gain(r, k);
      }
      ndcg.put(k, ranks.length == 0 ? 0 : n / ranks.length);
      hr.put(k, ranks.length == 0 ? 0 : h / ranks.length);
    }
    return new RankingMetrics(ranks.length, ndcg, hr);
  }

  /** NDCG@10 of these ranks: what pipelines are tuned and compared by. */
  public static double ndcg10(int[] ranks) {
    double n = 0;
    for (int r : ranks) {
      n += gain(r, 10);
    }
    return ranks.length == 0 ? 0 : n / ranks.length;
  }

  /**
   * The standard error of the mean per-sample difference of NDCG@10 between two rankings of the
   * same samples ({@code sd(a_i - b_i) / sqrt(n)}): how far apart two validation scores must be
   * before their order means more than the samples drawn.
   */
  public static double pairedStdError(int[] a, int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired ranks of " + a.length + " and " + b.length + " samples");
    }
    int n = a.length;
    if (n < 2) {
      return 0;
    }
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double d = gain(a[i], 10) - gain(b[i], 10);
      sum += d;
      sumSq += d * d;
    }
    double mean = sum / n;
    double variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
    return Math.sqrt(variance / n);
  }

  /** One sample's NDCG@k: {@code 1 / log2(rank + 2)} inside the cutoff, else 0. */
  private static double gain(int rank, int k) {
    return rank < k ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0;
  }

  /** 0-based position of {@code target} in {@code ranked}, or {@link #MISS}. */
  public static int rankOf(java.util.List<Integer> ranked, int target) {
    int r = ranked.indexOf(target);
    return r < 0 ? MISS : r;
  }
}
