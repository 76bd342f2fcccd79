package dev.recsys.common.baseline;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.interactions.Cooccurrence;
import dev.recsys.common.interactions.Transition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Item-to-item transition counts of the training interactions, and popularity for back-off.
 *
 * <p>Scoring for a history h_1..h_m (oldest first), over its last {@code window} items:
 * <pre>  s(j) = sum_i  w_i * count(h_i -> j) / out(h_i),   w_i = 1 / (1 + distance of h_i from the end)</pre>
 * so the most recent item counts most. Items of the history are never proposed. When fewer than
 * n items have a positive score, the most popular remaining items fill the list, each scored
 * below every transition-based candidate.
 *
 * <p>{@link #weighted} scores the same way over weighted pairs (the co-occurrence weights: items
 * near each other in a sequence, either order) instead of counts of direct successions.
 */
public final class TransitionModel {
  /** BIGRec's history window: the last 10 items. */
  public static final int WINDOW = 10;

  private final Catalogue catalogue;
  private final Map<Integer, int[]> next = new HashMap<>();
  private final Map<Integer, double[]> nextWeights = new HashMap<>();
  private final Map<Integer, Double> outDegree = new HashMap<>();
  private final int[] byPopularity;

  /** The model of the transition counts ({@code count(h_i -> j)} in the class comment). */
  public TransitionModel(Catalogue catalogue, List<Transition> transitions) {
    this(catalogue, transitions.stream().map(t -> new Cooccurrence(t.from(), t.to(), t.count())).toList(), "transition");
  }

  /**
   * The same scoring over weighted pairs instead of counts ({@code count(h_i -> j)} replaced by the
   * pair's weight): the co-occurrence model.
   */
  public static TransitionModel weighted(Catalogue catalogue, List<Cooccurrence> pairs) {
    return new TransitionModel(catalogue, pairs, "co-occurrence");
  }

  private TransitionModel(Catalogue catalogue, List<Cooccurrence> pairs, String what) {
    this.catalogue = catalogue;
    Map<Integer, List<double[]>> grouped = new HashMap<>();
    for (Cooccurrence t : pairs) {
      int from = catalogue.indexOf(t.from());
      int to = catalogue.indexOf(t.to());
      if (from < 0 || to < 0) {
        throw new IllegalArgumentException(what + " " + t.from() + " -> " + t.to()
            + " names an item that is not in the catalogue");
      }
      grouped.computeIfAbsent(from, k -> new ArrayList<>()).add(new double[] {to, t.weight()});
    }
    grouped.forEach((from, list) -> {
      next.put(from, list.stream().mapToInt(a -> (int) a[0]).toArray());
      nextWeights.put(from, list.stream().mapToDouble(a -> a[1]).toArray());
      outDegree.put(from, list.stream().mapToDouble(a -> a[1]).sum());
    });
    this.byPopularity = catalogue.byPopularity();
  }

  public Catalogue catalogue() {
    return catalogue;
  }

  /** Rows of the n best next items with scores in (0, 1], best first. */
  public List<Scored> next(List<String> history, int n) {
    Set<Integer> seen = seen(history);
    Map<Integer, Double> score = sums(history, seen);
    List<Scored> ranked = new ArrayList<>(score.size());
    score.forEach((row, s) -> ranked.add(new Scored(row, s)));
    ranked.sort((a, b) -> {
      int c = Double.compare(b.score(), a.score());
      return c != 0 ? c : Integer.compare(a.row(), b.row());
    });
    List<Scored> out = new ArrayList<>(ranked.subList(0, Math.min(n, ranked.size())));
    double max = out.isEmpty() ? 1.0 : out.get(0).score();
    out.replaceAll(s -> new Scored(s.row(), 0.5 + 0.5 * s.score() / max));
    Set<Integer> taken = new HashSet<>();
    out.forEach(s -> taken.add(s.row()));
    for (int p = 0; p < byPopularity.length && out.size() < n; p++) {
      int row = byPopularity[p];
      if (!seen.contains(row) && !taken.contains(row)) {
        // back-off: strictly below every transition score (which are >= 0.5), decreasing
        out.add(new Scored(row, 0.5 * (1.0 - (double) out.size() / (n + 1))));
      }
    }
    return out;
  }

  /**
   * The transitions as a distribution over the next item: {@code s(j) / sum s} for every row
   * reached from the history's window (the sum above), 0 for every other row (no back-off); all
   * zeros when no history item has a recorded successor.
   */
  public float[] probabilities(List<String> history) {
    Map<Integer, Double> score = sums(history, seen(history));
    double total = score.values().stream().mapToDouble(Double::doubleValue).sum();
    float[] out = new float[catalogue.size()];
    score.forEach((row, v) -> out[row] = (float) (v / total));
    return out;
  }

  private Set<Integer> seen(List<String> history) {
    Set<Integer> seen = new HashSet<>();
    for (String id : history) {
      int row = catalogue.indexOf(id);
      if (row >= 0) {
        seen.add(row);
      }
    }
    return seen;
  }

  /** s(j) of the class comment for every unseen row it is positive for. */
  private Map<Integer, Double> sums(List<String> history, Set<Integer> seen) {
    Map<Integer, Double> score = new HashMap<>();
    int start = Math.max(0, history.size() - WINDOW);
    for (int i = start; i < history.size(); i++) {
      int from = catalogue.indexOf(history.get(i));
      int[] to = next.get(from);
      if (to == null) {
        continue;
      }
      double w = 1.0 / (1 + (history.size() - 1 - i));
      double[] counts = nextWeights.get(from);
      double out = outDegree.get(from);
      for (int j = 0; j < to.length; j++) {
        if (!seen.contains(to[j])) {
          score.merge(to[j], w * counts[j] / out, Double::sum);
        }
      }
    }
    return score;
  }

  /** A catalogue row with its score. */
  public record Scored(int row, double score) {}
}
