package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.ReleaseManifest;
import java.util.Locale;
import java.util.Optional;

/**
 * Publishes a trained run only if its validation NDCG@10 is not worse than the serving
 * release's by more than {@code margin} (absolute), unless forced. A serving release without the
 * metric (e.g. one with no LLM) never blocks.
 */
public final class PublishGate {
  public static final String METRIC = "metrics.validNdcg10";

  private PublishGate() {}

  /** Thrown when the gate refuses; the message gives both values and how to override. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  public static void check(Optional<ReleaseManifest> serving, double candidate, double margin, boolean force) {
    if (force || serving.isEmpty() || !serving.get().params().containsKey(METRIC)) {
      return;
    }
    double current = serving.get().param(METRIC, 0);
    if (candidate < current - margin) {
      throw new Refused(String.format(Locale.ROOT, "validation NDCG@10 %.4f is worse than the serving release %s's "
          + "%.4f by more than the margin %.4f; not published (use --force to publish anyway)", candidate,
          serving.get().release(), current, margin));
    }
  }
}
