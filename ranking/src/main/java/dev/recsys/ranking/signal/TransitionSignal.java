package dev.recsys.ranking.signal;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import java.util.ArrayList;
import java.util.List;

/**
 * The item-to-item transition counts of the training split ({@link TransitionModel}: the items
 * that followed the user's recent items, popularity as back-off) as a signal; history items score 0.
 * The same scoring over co-occurrence weights ({@link TransitionModel#weighted}: the items that
 * appeared near the user's recent items, after or before them) is the {@link #COOCCURRENCE} signal.
 */
public final class TransitionSignal implements ItemSignal {
  public static final String NAME = "transitions";
  /** The signal of the co-occurrence weights. */
  public static final String COOCCURRENCE = "cooccurrence";

  private final TransitionModel model;
  private final String name;

  /** The transition counts' signal. */
  public TransitionSignal(TransitionModel model) {
    this(model, NAME);
  }

  private TransitionSignal(TransitionModel model, String name) {
    this.model = model;
    this.name = name;
  }

  /** The co-occurrence signal over a model of co-occurrence weights. */
  public static TransitionSignal cooccurrence(TransitionModel weighted) {
    return new TransitionSignal(weighted, COOCCURRENCE);
  }

  public TransitionModel model() {
    return model;
  }

  @Override
  public String name() {
    return name;
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
