package dev.recsys.ranking.signal;

import dev.recsys.ranking.sequential.SasRec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several signals interpolated as distributions over the next item:
 * <pre>  P(j) = Σ_c α_c P_c(j),   Σ_c α_c = 1</pre>
 * over components c among {@link #COMPONENTS}: SASRec (the softmax of its logits over the unseen
 * items), the transition counts and the co-occurrence weights ({@link TransitionSignal#distribution},
 * no back-off) and content similarity ({@link SimilarItemsSignal#distribution}). The sequential model generalises where the
 * counts are sparse, the counts are sharp where an item's successors were seen often, similarity
 * reaches items no training sequence connects. A component with no mass for a history (no recent
 * item has a recorded successor) drops out and the others' weights are scaled up to sum 1. The
 * weights are chosen on validation. History items score 0.
 *
 * <p>Its name carries the weights in the order of {@link #COMPONENTS}, e.g.
 * {@code mix(sasrec=0.4,transitions=0.6)} or {@code mix(transitions=0.7,similar=0.3)}: a release's
 * manifest names it as any other signal, and {@link #resolve} builds it from the release's signals.
 */
public final class MixtureSignal implements ItemSignal {
  /** The signals a mixture may mix, in the order its name lists them. */
  public static final List<String> COMPONENTS = List.of(SasRec.NAME, TransitionSignal.NAME,
      TransitionSignal.COOCCURRENCE, SimilarItemsSignal.NAME);
  private static final Pattern NAME = Pattern.compile("mix\\((.*)\\)");
  private static final Pattern TERM = Pattern.compile("([a-z]+)=([0-9.]+)");

  private final List<ItemSignal> signals;
  private final double[] weights;

  /**
   * @param weights each component's weight by its name, among {@link #COMPONENTS} (kept to two
   *                decimals; at least two, each in (0, 1], summing to 1)
   * @param signals finds the components by name
   * @throws IllegalArgumentException when the weights are not such, or a component is missing
   */
  public MixtureSignal(Map<String, Double> weights, ItemSignal.Lookup signals) {
    String name = name(weights);
    Map<String, Double> checked = weightsOf(name);
    this.signals = new ArrayList<>();
    this.weights = new double[checked.size()];
    int i = 0;
    for (Map.Entry<String, Double> e : checked.entrySet()) {
      ItemSignal s = signals.signal(e.getKey());
      if (s == null) {
        throw new IllegalArgumentException("mixture signal '" + name + "' needs " + e.getKey()
            + ", which this release lacks");
      }
      this.signals.add(s);
      this.weights[i++] = e.getValue();
    }
  }

  /** The mixture of SASRec with weight α and the transition counts with 1 - α. */
  public MixtureSignal(ItemSignal sasrec, ItemSignal transitions, double alpha) {
    this(twoWeights(alpha), n -> n.equals(SasRec.NAME) ? sasrec : n.equals(TransitionSignal.NAME) ? transitions : null);
  }

  private static Map<String, Double> twoWeights(double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("the mixture's SASRec weight must be in [0, 1], got " + alpha);
    }
    Map<String, Double> w = new LinkedHashMap<>();
    w.put(SasRec.NAME, alpha);
    w.put(TransitionSignal.NAME, 1 - alpha);
    return w;
  }

  /** The name of the mixture of SASRec with weight α and the transitions (two decimals). */
  public static String name(double alpha) {
    return name(twoWeights(alpha));
  }

  /**
   * The name of a mixture with these weights (two decimals, components in the order of
   * {@link #COMPONENTS}, a zero weight left out), e.g. {@code mix(transitions=0.7,similar=0.3)}.
   */
  public static String name(Map<String, Double> weights) {
    StringBuilder b = new StringBuilder("mix(");
    List<String> unknown = new ArrayList<>(weights.keySet());
    unknown.removeAll(COMPONENTS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("a mixture mixes " + COMPONENTS + ", not " + unknown);
    }
    for (String c : COMPONENTS) {
      Double w = weights.get(c);
      if (w != null && Math.round(w * 100) != 0) {
        b.append(b.length() > 4 ? "," : "").append(c).append('=').append(decimal(w));
      }
    }
    return b.append(')').toString();
  }

  /** Whether {@code name} names a mixture. */
  public static boolean isMixture(String name) {
    return name != null && name.startsWith("mix(");
  }

  /** Whether {@code name} is a mixture with a positive weight on {@code component}. */
  public static boolean mixes(String name, String component) {
    return isMixture(name) && weightsOf(name).containsKey(component);
  }

  /**
   * The mixture a name describes, built from the signals {@code signals} finds by their names; null
   * when the name is no mixture.
   *
   * @throws IllegalArgumentException when the name is malformed or a component is missing
   */
  public static ItemSignal resolve(String name, ItemSignal.Lookup signals) {
    return isMixture(name) ? new MixtureSignal(weightsOf(name), signals) : null;
  }

  /**
   * As {@link #resolve}, but null also when {@code signals} lacks a component (a holder that
   * loads only the signals its pipeline reads, asked for one it did not load).
   *
   * @throws IllegalArgumentException when the name is a malformed mixture
   */
  public static ItemSignal resolveIfAvailable(String name, ItemSignal.Lookup signals) {
    return isMixture(name) && weightsOf(name).keySet().stream().allMatch(c -> signals.signal(c) != null)
        ? resolve(name, signals) : null;
  }

  /**
   * The weights in a mixture's name, by component, in its order.
   *
   * @throws IllegalArgumentException when the name is malformed: unknown, repeated or misordered
   *                                  components, fewer than two, weights out of (0, 1] or not summing to 1
   */
  public static Map<String, Double> weightsOf(String name) {
    String usage = "write it as " + name(Map.of(TransitionSignal.NAME, 0.7, SimilarItemsSignal.NAME, 0.3))
        + ": two or more of " + COMPONENTS + " in that order, weights in (0, 1] summing to 1";
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("malformed mixture signal '" + name + "': " + usage);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    int last = -1;
    double sum = 0;
    for (String term : m.group(1).split(",", -1)) {
      Matcher t = TERM.matcher(term);
      int at = t.matches() ? COMPONENTS.indexOf(t.group(1)) : -1;
      double w;
      try {
        w = at > last ? Double.parseDouble(t.group(2)) : Double.NaN;
      } catch (NumberFormatException e) {
        w = Double.NaN;
      }
      if (!(w > 0 && w <= 1)) {
        throw new IllegalArgumentException("malformed mixture signal '" + name + "' at '" + term + "': " + usage);
      }
      out.put(t.group(1), w);
      sum += w;
      last = at;
    }
    if (out.size() < 2) {
      throw new IllegalArgumentException("mixture signal '" + name + "' has one component: " + usage);
    }
    if (Math.abs(sum - 1) > 1e-6) {
      throw new IllegalArgumentException("mixture signal '" + name + "': its weights sum to "
          + decimal(sum) + ", not 1; " + usage);
    }
    return out;
  }

  /** SASRec's weight (0 when it is no component). */
  public double alpha() {
    for (int i = 0; i < signals.size(); i++) {
      if (signals.get(i).name().equals(SasRec.NAME)) {
        return weights[i];
      }
    }
    return 0;
  }

  @Override
  public String name() {
    Map<String, Double> w = new LinkedHashMap<>();
    for (int i = 0; i < signals.size(); i++) {
      w.put(signals.get(i).name(), weights[i]);
    }
    return name(w);
  }

  @Override
  public float[] scores(int[] historyRows) {
    float[][] p = new float[signals.size()][];
    double total = 0;
    boolean[] has = new boolean[p.length];
    for (int c = 0; c < p.length; c++) {
      p[c] = signals.get(c).distribution(historyRows);
      for (float v : p[c]) {
        if (v > 0) {
          has[c] = true;
          break;
        }
      }
      total += has[c] ? weights[c] : 0;
    }
    float[] out = new float[p[0].length];
    for (int c = 0; c < p.length; c++) {
      if (has[c]) {
        double a = weights[c] / total;
        for (int r = 0; r < out.length; r++) {
          out[r] += (float) (a * p[c][r]);
        }
      }
    }
    return out;
  }

  private static String decimal(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
