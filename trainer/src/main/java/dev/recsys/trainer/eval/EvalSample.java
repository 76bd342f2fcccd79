package dev.recsys.trainer.eval;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.ranking.signal.SignalRanking;
import dev.recsys.trainer.split.Sample;
import java.util.List;
import java.util.Set;

/**
 * A split sample as the served path sees it: the history as catalogue rows and titles, the rows
 * excluded from its ranking (the history: the gateway excludes seen items by default), the target.
 *
 * @param sample       the split's sample
 * @param historyRows  its history as catalogue rows, oldest first
 * @param recentTitles the titles the prompt lists (the whole window of at most 10)
 * @param excludedRows the history's rows, all of them ({@link SignalRanking#seen})
 * @param target       the target's row
 */
public record EvalSample(Sample sample, int[] historyRows, List<String> recentTitles, Set<Integer> excludedRows,
    int target) {

  /** The samples with a history and a target that the catalogue knows. */
  public static List<EvalSample> of(List<Sample> samples, Catalogue catalogue) {
    return samples.stream().filter(s -> !s.history().isEmpty()).map(s -> of(s, catalogue)).toList();
  }

  static EvalSample of(Sample s, Catalogue catalogue) {
    int[] rows = new int[s.history().size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = catalogue.indexOf(s.history().get(i));
      if (rows[i] < 0) {
        throw new IllegalArgumentException("history item '" + s.history().get(i) + "' is not in the catalogue");
      }
    }
    int target = catalogue.indexOf(s.target());
    if (target < 0) {
      throw new IllegalArgumentException("target item '" + s.target() + "' is not in the catalogue");
    }
    List<String> titles = s.history().stream().map(id -> catalogue.find(id).orElseThrow().title()).toList();
    // what the gateway leaves out by default: a repeated target is a miss, as it is when served
    return new EvalSample(s, rows, titles, Set.copyOf(SignalRanking.seen(rows)), target);
  }
}
