package dev.recsys.trainer.split;

import java.util.ArrayList;
import java.util.List;

/**
 * Two choices are made on validation, and neither may be tuned to the samples it is judged on:
 * the sequential model's early stopping (its best epoch) and the serving pipeline (which
 * pipeline, and its gamma, lambda, texts). They use the two interleaved halves of the split:
 * SASRec the samples at even positions, the pipeline comparison those at odd positions. Otherwise
 * SASRec's validation score would be optimistic exactly where pipelines are compared, and
 * favour it (measured on Amazon Office, 500 validation samples: 0.128 on the samples it stopped
 * on, 0.066 on test, while the transition counts went from 0.103 to 0.084).
 */
public final class ValidationHalves {
  private ValidationHalves() {}

  /** The samples at even positions: where the sequential model early-stops. */
  public static List<Sample> forSequentialModel(List<Sample> valid) {
    return half(valid, 0);
  }

  /** The samples at odd positions: where serving pipelines are compared. */
  public static List<Sample> forPipelines(List<Sample> valid) {
    return half(valid, 1);
  }

  private static List<Sample> half(List<Sample> valid, int parity) {
    List<Sample> out = new ArrayList<>((valid.size() + 1) / 2);
    for (int i = parity; i < valid.size(); i += 2) {
      out.add(valid.get(i));
    }
    return out;
  }
}
