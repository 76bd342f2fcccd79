package dev.recsys.ranking.signal;

import dev.recsys.common.catalog.Catalogue;

/**
 * BIGRec's popularity signal: each item's count as a training target, min-max scaled over the
 * catalogue when the release was built ({@link dev.recsys.common.catalog.Item#popularity()}); the
 * same for every history.
 */
public final class PopularitySignal implements ItemSignal {
  public static final String NAME = "popularity";

  private final float[] popularity;

  public PopularitySignal(Catalogue catalogue) {
    popularity = new float[catalogue.size()];
    for (int i = 0; i < popularity.length; i++) {
      popularity[i] = (float) catalogue.get(i).popularity();
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public float[] scores(int[] historyRows) {
    return popularity.clone();
  }
}
