package dev.recsys.ranking.signal;

import dev.recsys.ranking.sequential.SasRec;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two collaborative signals interpolated as distributions over the next item:
 * <pre>  P(j) = α P_SASRec(j) + (1 - α) P_transitions(j)</pre>
 * with {@code P_SASRec} the softmax of SASRec's logits over the unseen items and
 * {@code P_transitions} the transition counts' distribution ({@link TransitionSignal#distribution});
 * when no history item has a recorded successor, SASRec's alone. The sequential model generalises
 * where the counts are sparse, the counts are sharp where an item's successors were seen often;
 * α is chosen on validation. History items score 0.
 *
 * <p>Its name carries α, e.g. {@code mix(sasrec=0.4,transitions=0.6)}: a release's manifest names
 * it as any other signal, and {@link #resolve} builds it from the release's two signals.
 */
public final class MixtureSignal implements ItemSignal {
  private static final Pattern NAME = Pattern.compile("mix\\(sasrec=([0-9.]+),transitions=([0-9.]+)\\)");

  private final ItemSignal sasrec;
  private final ItemSignal transitions;
  private final double alpha;

  /**
   * @param sasrec      SASRec's signal (its {@link ItemSignal#distribution}: the softmax of its logits)
   * @param transitions the transition counts' signal ({@link TransitionSignal#distribution})
   * @param alpha       SASRec's weight, in [0, 1] (kept to two decimals)
   */
  public MixtureSignal(ItemSignal sasrec, ItemSignal transitions, double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("the mixture's SASRec weight must be in [0, 1], got " + alpha);
    }
    this.sasrec = sasrec;
    this.transitions = transitions;
    this.alpha = Math.round(alpha * 100) / 100.0; // the name keeps two decimals
  }

  /** The name of the mixture with SASRec weight α (two decimals). */
  public static String name(double alpha) {
    return String.format(Locale.ROOT, "mix(sasrec=%s,transitions=%s)", decimal(alpha), decimal(1 - alpha));
  }

  /** Whether {@code name} names a mixture (which then needs SASRec and the transitions). */
  public static boolean isMixture(String name) {
    return name != null && name.startsWith("mix(");
  }

  /**
   * The mixture a name describes, built from the signals {@code signals} finds by their names; null
   * when the name is no mixture.
   *
   * @throws IllegalArgumentException when the name is malformed (weights not summing to 1, out of
   *                                  [0, 1]) or a component is missing
   */
  public static ItemSignal resolve(String name, ItemSignal.Lookup signals) {
    if (!isMixture(name)) {
      return null;
    }
    double a = alphaOf(name);
    ItemSignal s = signals.signal(SasRec.NAME);
    ItemSignal t = signals.signal(TransitionSignal.NAME);
    if (s == null || t == null) {
      throw new IllegalArgumentException("mixture signal '" + name + "' needs SASRec and the transition counts; "
          + "this release lacks " + (s == null ? "SASRec" : "the transition counts"));
    }
    return new MixtureSignal(s, t, a);
  }

  /**
   * SASRec's weight in a mixture's name.
   *
   * @throws IllegalArgumentException when the name is malformed (weights not summing to 1, out of [0, 1])
   */
  public static double alphaOf(String name) {
    Matcher m = NAME.matcher(name);
    double a;
    double b;
    try {
      if (!m.matches()) {
        throw new NumberFormatException();
      }
      a = Double.parseDouble(m.group(1));
      b = Double.parseDouble(m.group(2));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed mixture signal '" + name + "': write it as "
          + name(0.5) + " (weights in [0, 1] summing to 1)");
    }
    if (Math.abs(a + b - 1) > 1e-9 || a < 0 || a > 1) {
      throw new IllegalArgumentException("mixture signal '" + name + "': weights must be in [0, 1] and sum to 1");
    }
    return a;
  }

  public double alpha() {
    return alpha;
  }

  @Override
  public String name() {
    return name(alpha);
  }

  @Override
  public float[] scores(int[] historyRows) {
    float[] p = sasrec.distribution(historyRows);
    float[] q = transitions.distribution(historyRows);
    boolean anyCount = false;
    for (float v : q) {
      anyCount |= v > 0;
    }
    double a = anyCount ? alpha : 1;
    float[] out = new float[p.length];
    for (int r = 0; r < out.length; r++) {
      out[r] = (float) (a * p[r] + (1 - a) * q[r]);
    }
    return out;
  }

  private static String decimal(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
