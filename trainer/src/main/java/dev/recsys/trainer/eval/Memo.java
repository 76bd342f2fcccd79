package dev.recsys.trainer.eval;

import dev.recsys.ranking.index.ItemIndex;
import dev.recsys.ranking.index.Neighbour;
import dev.recsys.ranking.signal.ItemSignal;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memoising wrappers for evaluation, which grounds each sample under many pipelines: a signal's
 * scores per history array and an index's neighbours per query array are computed once. They
 * return exactly what the wrapped signal and index return, so rankings do not change.
 */
final class Memo {
  private Memo() {}

  static ItemSignal signal(ItemSignal s) {
    Map<int[], float[]> scores = Collections.synchronizedMap(new IdentityHashMap<>());
    Map<int[], float[]> distributions = Collections.synchronizedMap(new IdentityHashMap<>());
    return new ItemSignal() {
      @Override
      public String name() {
        return s.name();
      }

      @Override
      public float[] scores(int[] historyRows) {
        return scores.computeIfAbsent(historyRows, s::scores).clone();
      }

      @Override
      public double[] logProbabilities(float[] scores, java.util.Set<Integer> excludedRows, int[] rows) {
        return s.logProbabilities(scores, excludedRows, rows);
      }

      @Override
      public float[] distribution(int[] historyRows) {
        return distributions.computeIfAbsent(historyRows, s::distribution).clone();
      }
    };
  }

  static ItemIndex index(ItemIndex index) {
    Map<float[], Map<Integer, List<Neighbour>>> cache = Collections.synchronizedMap(new IdentityHashMap<>());
    return new ItemIndex() {
      @Override
      public List<Neighbour> nearest(float[] query, int n) {
        Map<Integer, List<Neighbour>> byN = cache.computeIfAbsent(query, q -> new java.util.concurrent.ConcurrentHashMap<>());
        return byN.computeIfAbsent(n, k -> index.nearest(query, k));
      }

      @Override
      public int size() {
        return index.size();
      }
    };
  }
}
