package dev.recsys.trainer.split;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every next-item event a training split holds, each once: what the sequential signals (the
 * transition counts, SASRec) learn from.
 *
 * <p>A sample is one event (its history, then its target), but its history is made of earlier
 * events too. Where a split's samples are every event of each user (MovieLens' split), those are
 * the samples' own events again. Where they are not (MiniOneRec's Amazon layout: the training
 * split is the rows of {@code valid.csv}, whose histories reach back into the train period the
 * copy lacks), the history of a user's first sample holds events no sample targets: 10,561 events
 * instead of 4,366 targets on Amazon Office.
 *
 * <p>The rule, per user, samples in split order: the first sample contributes the events inside its
 * history (each item after its predecessors in that history) and its own; a later sample whose
 * history is the tail of the user's events so far contributes its own event only; a later sample
 * that does not continue them (data whose histories skip events) contributes its own event only and
 * starts the user's sequence afresh. So no event is counted twice and none is invented. Histories
 * are capped at {@link Splitter#WINDOW} items, as samples' are.
 */
public final class TrainingEvents {
  /** An event: the items before it (oldest first, possibly empty) and the item. */
  public record Event(List<String> history, String item) {}

  private TrainingEvents() {}

  /** The split's events in sample order (a first sample's earlier events before its own). */
  public static List<Event> of(List<Sample> train) {
    Map<String, List<String>> sequences = new HashMap<>();
    List<Event> out = new ArrayList<>(train.size());
    for (Sample s : train) {
      List<String> seq = sequences.get(s.user());
      if (seq == null) {
        seq = new ArrayList<>(s.history());
        for (int i = 0; i < s.history().size(); i++) {
          out.add(new Event(window(s.history(), i), s.history().get(i)));
        }
        sequences.put(s.user(), seq);
      } else if (!continues(seq, s.history())) {
        seq.clear();
        seq.addAll(s.history());
      }
      out.add(new Event(List.copyOf(s.history()), s.target()));
      seq.add(s.target());
    }
    return out;
  }

  /** Events with at least one item before them: the (history, next item) pairs a sequence model learns. */
  public static List<Event> withHistory(List<Sample> train) {
    return of(train).stream().filter(e -> !e.history().isEmpty()).toList();
  }

  private static List<String> window(List<String> items, int end) {
    return List.copyOf(items.subList(Math.max(0, end - Splitter.WINDOW), end));
  }

  private static boolean continues(List<String> seq, List<String> history) {
    int n = history.size();
    return n <= seq.size() && seq.subList(seq.size() - n, seq.size()).equals(history);
  }
}
