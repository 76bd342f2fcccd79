package dev.recsys.trainer.sequential;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.TrainingEvents;
import java.util.ArrayList;
import java.util.List;

/** A split as SASRec examples: histories and targets as catalogue rows. */
public final class SequentialExamples {
  private SequentialExamples() {}

  /**
   * Samples with a non-empty history, as rows: what SASRec is measured on (validation, test).
   *
   * @throws IllegalArgumentException naming the item when a sample refers to one the catalogue lacks
   */
  public static List<SasRecTraining.Example> of(List<Sample> samples, Catalogue catalogue) {
    List<SasRecTraining.Example> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      if (s.history().isEmpty()) {
        continue;
      }
      out.add(new SasRecTraining.Example(rows(s.history(), catalogue), row(s.target(), catalogue)));
    }
    return out;
  }

  /**
   * What SASRec trains on: every event of the training split that has a history
   * ({@link TrainingEvents}), not only the samples' targets.
   *
   * @throws IllegalArgumentException naming the item when an event refers to one the catalogue lacks
   */
  public static List<SasRecTraining.Example> training(List<Sample> train, Catalogue catalogue) {
    List<SasRecTraining.Example> out = new ArrayList<>(train.size());
    for (TrainingEvents.Event e : TrainingEvents.withHistory(train)) {
      out.add(new SasRecTraining.Example(rows(e.history(), catalogue), row(e.item(), catalogue)));
    }
    return out;
  }

  public static int[] rows(List<String> ids, Catalogue catalogue) {
    int[] rows = new int[ids.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = row(ids.get(i), catalogue);
    }
    return rows;
  }

  private static int row(String id, Catalogue catalogue) {
    int r = catalogue.indexOf(id);
    if (r < 0) {
      throw new IllegalArgumentException("item '" + id + "' of a sample is not in the catalogue");
    }
    return r;
  }
}
