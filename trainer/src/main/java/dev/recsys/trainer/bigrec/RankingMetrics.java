package dev.recsys.trainer.bigrec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full-catalogue ranking metrics with one relevant item per sample and 0-based rank r:
 * {@code HR@K = [r < K]}, {@code NDCG@K = 1 / log2(r + 2)} if r < K else 0, averaged over samples.
 */
public record RankingMetrics(int samples, Map<Integer, Double> ndcg, Map<Integer, Double> hr) {
  public static final int[] CUTOFFS = {1, 5, 10, 20};

  public static RankingMetrics of(int[] ranks) {
    Map<Integer, Double> ndcg = new LinkedHashMap<>();
    Map<Integer, Double> hr = new LinkedHashMap<>();
    for (int k : CUTOFFS) {
      double n = 0;
      double h = 0;
      for (int r : ranks) {
        if (r < k) {
          h += 1;
          n += 1.0 / (Math.log(r + 2) / Math.log(2));
        }
      }
      ndcg.put(k, ranks.length == 0 ? 0 : n / ranks.length);
      hr.put(k, ranks.length == 0 ? 0 : h / ranks.length);
    }
    return new RankingMetrics(ranks.length, ndcg, hr);
  }
}
