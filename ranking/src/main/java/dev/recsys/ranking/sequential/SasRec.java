package dev.recsys.ranking.sequential;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.recsys.ranking.signal.ItemSignal;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained SASRec model answering requests: the score of every catalogue item after a history
 * (the last {@code maxLength} items). Used as BIGRec's collaborative signal W, as D3's text-free
 * assistant and as a ranking of its own. Thread-safe: weights are read-only and every call runs in
 * its own memory scope. Closing it frees the native weights.
 */
public final class SasRec implements ItemSignal, AutoCloseable {
  public static final String NAME = "sasrec";

  private final NDManager manager;
  private final SasRecModel model;
  private final ParameterStore ps;
  private final boolean ownsManager;

  private SasRec(NDManager manager, SasRecModel model, boolean ownsManager) {
    this.manager = manager;
    this.model = model;
    this.ps = new ParameterStore(manager, false);
    this.ownsManager = ownsManager;
  }

  /**
   * Scores with a model being trained (its weights as they are now), without taking ownership of
   * its memory: how training measures validation with exactly the code that serves.
   */
  public static SasRec of(SasRecModel model, NDManager manager) {
    return new SasRec(manager, model, false);
  }

  /** Loads {@link SasRecFile} {@code file}, checked against the catalogue's item ids (row order). */
  public static SasRec load(Path file, List<String> itemIds) {
    NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      return new SasRec(manager, SasRecFile.read(file, itemIds, manager), true);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public SasRecConfig config() {
    return model.config();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public float[] scores(int[] historyRows) {
    return scores(List.of(historyRows))[0];
  }

  /** Scores for several histories in one batch; row b of the result belongs to history b. */
  public float[][] scores(List<int[]> histories) {
    int n = model.config().maxLength();
    int items = model.config().items();
    long[] ids = window(histories, n);
    try (NDManager m = manager.newSubManager()) {
      NDArray hidden = model.hidden(ps, m.create(ids, new Shape(histories.size(), n)), false);
      float[] flat = model.scores(ps, hidden, false).toFloatArray();
      float[][] out = new float[histories.size()][];
      for (int b = 0; b < out.length; b++) {
        out[b] = java.util.Arrays.copyOfRange(flat, b * items, (b + 1) * items);
      }
      return out;
    }
  }

  /**
   * The model's input for histories of catalogue rows: the last {@code n} rows of each, as item
   * ids (row + 1), right-aligned, 0 on the left. An empty history reads as one padding item, so
   * its scores come from the position embedding alone.
   */
  public static long[] window(List<int[]> histories, int n) {
    long[] ids = new long[histories.size() * n];
    for (int b = 0; b < histories.size(); b++) {
      int[] h = histories.get(b);
      int take = Math.min(n, h.length);
      for (int j = 0; j < take; j++) {
        ids[b * n + n - take + j] = h[h.length - take + j] + 1L;
      }
    }
    return ids;
  }

  @Override
  public void close() {
    if (ownsManager) {
      manager.close();
    }
  }

  /** SASRec's scores are logits: the log-softmax over the rows that may be recommended. */
  @Override
  public double[] logProbabilities(float[] scores, java.util.Set<Integer> excludedRows, int[] rows) {
    return ItemSignal.logSoftmax(scores, excludedRows, rows);
  }
}
