package dev.recsys.ranking.signal;

import dev.recsys.ranking.metrics.RankingMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/** Ranking by a signal alone: the highest-scoring rows, excluded rows left out, ties by row. */
public final class SignalRanking {
  private SignalRanking() {}

  /**
   * The rows a ranking after {@code history} leaves out, as the gateway does by default
   * ({@code exclude_seen}): every history item. A target the user has already seen therefore
   * cannot be recommended and counts as a miss; the set never depends on the target, which an
   * honest evaluation must not know.
   */
  public static Set<Integer> seen(int[] history) {
    Set<Integer> seen = new HashSet<>();
    for (int r : history) {
      seen.add(r);
    }
    return seen;
  }

  /** The {@code k} rows of highest score outside {@code excluded}, best first. */
  public static List<Integer> top(float[] scores, Set<Integer> excluded, int k) {
    // min-heap of the k best so far: worst (lowest score, then highest row) at the head
    PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1, (a, b) -> {
      int c = Float.compare(scores[a], scores[b]);
      return c != 0 ? c : Integer.compare(b, a);
    });
    for (int r = 0; r < scores.length; r++) {
      if (excluded.contains(r)) {
        continue;
      }
      if (heap.size() < k) {
        heap.add(r);
      } else if (better(scores, r, heap.peek())) {
        heap.poll();
        heap.add(r);
      }
    }
    List<Integer> out = new ArrayList<>(heap);
    out.sort((a, b) -> better(scores, a, b) ? -1 : better(scores, b, a) ? 1 : 0);
    return out;
  }

  /**
   * 0-based rank of {@code target} among the rows outside {@code excluded} (ties by row), as in a
   * full-catalogue ranking; {@link RankingMetrics#MISS} when the target is itself excluded.
   */
  public static int rank(float[] scores, Set<Integer> excluded, int target) {
    if (excluded.contains(target)) {
      return RankingMetrics.MISS;
    }
    int r = 0;
    for (int i = 0; i < scores.length; i++) {
      if (i != target && !excluded.contains(i) && better(scores, i, target)) {
        r++;
      }
    }
    return r;
  }

  private static boolean better(float[] scores, int a, int b) {
    int c = Float.compare(scores[a], scores[b]);
    return c > 0 || (c == 0 && a < b);
  }
}
