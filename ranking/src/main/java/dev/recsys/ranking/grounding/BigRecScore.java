package dev.recsys.ranking.grounding;

/**
 * BIGRec's grounding score (arXiv 2308.08434, section "grounding").
 *
 * <p>Glossary:
 * <ul>
 *   <li>{@code D}: L2 distance between the embedding of a generated text and an item's embedding;</li>
 *   <li>{@code D^} ("D hat"): D min-max normalised over the items ranked for one text, in [0, 1];</li>
 *   <li>{@code W}: a statistical signal in [0, 1] per item: popularity (the item's count as a
 *       training target, min-max scaled over the catalogue) or a collaborative model's scores
 *       after the user's history (SASRec, min-max scaled per request);</li>
 *   <li>{@code gamma}: how strongly W pulls items forward; tuned on validation;</li>
 *   <li>{@code D~} ("D tilde") = D^ * (1 + W)^(-gamma): the final score, lower is better.</li>
 * </ul>
 * The nearest item always has D^ = 0, so gamma never changes a text's top-1.
 */
public final class BigRecScore {
  private BigRecScore() {}

  /** D^: min-max normalisation in place; all-equal distances become all zeros. */
  public static void normalise(double[] distances) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double d : distances) {
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    double range = max - min;
    for (int i = 0; i < distances.length; i++) {
      distances[i] = range > 0 ? (distances[i] - min) / range : 0.0;
    }
  }

  /** D~ = D^ * (1 + W)^(-gamma). */
  public static double adjust(double dHat, double w, double gamma) {
    return gamma == 0.0 ? dHat : dHat * Math.pow(1.0 + w, -gamma);
  }
}
