package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.ReleaseLayout;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Protects users from a worse release; each check passes when forced.
 * <ul>
 *   <li>{@link #check}: the run's validation NDCG@10 is not worse than the serving release's by more
 *       than {@code margin} (absolute); a serving release without the metric never blocks.</li>
 *   <li>{@link #checkAgainstNonLlm}: a pipeline that uses the LLM is not worse on validation than
 *       the release's own best ranking without it (the sequential model, transitions, popularity).</li>
 * </ul>
 */
public final class PublishGate {
  private PublishGate() {}

  /** Thrown when the gate refuses; the message gives both values and how to override. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * @param pipeline      the name of the pipeline the release would serve
   * @param usesLlm       whether it uses the LLM (a ranking without it is its own best non-LLM ranking)
   * @param validNdcg10   its validation NDCG@10
   * @param bestNonLlm    the best ranking without the LLM on the same validation samples
   * @param bestNonLlmValidNdcg10 that ranking's validation NDCG@10
   */
  public static void checkAgainstNonLlm(String pipeline, boolean usesLlm, double validNdcg10, String bestNonLlm,
      double bestNonLlmValidNdcg10, boolean force) {
    if (force || !usesLlm || validNdcg10 >= bestNonLlmValidNdcg10) {
      return;
    }
    double gap = bestNonLlmValidNdcg10 - validNdcg10;
    throw new Refused(String.format(Locale.ROOT, "serving pipeline %s reaches validation NDCG@10 %.4f, worse than the "
        + "release's best ranking without the LLM (%s, %.4f) by %.4f (%.1f%%); not published (serve the pipeline eval "
        + "chose, or use --force to publish anyway)", pipeline, validNdcg10, bestNonLlm, bestNonLlmValidNdcg10, gap,
        100 * gap / bestNonLlmValidNdcg10));
  }

  /**
   * @param serving   the release the channel serves now, if any
   * @param candidate the new release's validation NDCG@10
   */
  public static void check(Optional<ReleaseLayout> serving, double candidate, double margin, boolean force) {
    if (force || serving.isEmpty()) {
      return;
    }
    OptionalDouble measured = serving.get().params().metrics().validNdcg10();
    if (measured.isEmpty()) {
      return;
    }
    double current = measured.getAsDouble();
    if (candidate < current - margin) {
      throw new Refused(String.format(Locale.ROOT, "validation NDCG@10 %.4f is worse than the serving release %s's "
          + "%.4f by more than the margin %.4f; not published (use --force to publish anyway)", candidate,
          serving.get().manifest().release(), current, margin));
    }
  }
}
