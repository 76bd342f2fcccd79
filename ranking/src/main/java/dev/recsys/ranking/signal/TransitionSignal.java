package dev.recsys.ranking.signal;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import java.util.ArrayList;
import java.util.List;

/**
 * The item-to-item transition counts of the training split ({@link TransitionModel}: the items
 * that followed the user's recent items, popularity as back-off) as a signal; history items score 0.
 */
public final class TransitionSignal implements ItemSignal {
  public static final String NAME = "transitions";

  private final TransitionModel model;

  public TransitionSignal(TransitionModel model) {
    this.model = model;
  }

  public TransitionModel model() {
    return model;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public float[] scores(int[] historyRows) {
    Catalogue c = model.catalogue();
    float[] out = new float[c.size()];
    for (TransitionModel.Scored s : model.next(ids(historyRows), c.size())) {
      out[s.row()] = (float) s.score();
    }
    return out;
  }

  /** The counts' own distribution ({@link TransitionModel#probabilities}): 0 where no recent item leads. */
  @Override
  public float[] distribution(int[] historyRows) {
    return model.probabilities(ids(historyRows));
  }

  private List<String> ids(int[] historyRows) {
    Catalogue c = model.catalogue();
    List<String> history = new ArrayList<>(historyRows.length);
    for (int r : historyRows) {
      history.add(c.get(r).id());
    }
    return history;
  }
}
