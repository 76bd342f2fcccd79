package dev.recsys.trainer.sequential;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.recsys.ranking.metrics.RankingMetrics;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.sequential.SasRecConfig;
import dev.recsys.ranking.sequential.SasRecFile;
import dev.recsys.ranking.sequential.SasRecModel;
import dev.recsys.ranking.signal.SignalRanking;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains SASRec on next-item samples: each training sample's history (its last n items) predicts
 * its target with full softmax cross-entropy over the catalogue (the method notes: often better
 * than sampled negatives on small catalogues), Adam, dropout. After every epoch the model is
 * measured on validation samples by full-catalogue NDCG@10 (history excluded), scored by
 * {@link SasRec}, the class that serves it; the best epoch's weights are written to the output
 * file, and training stops after {@code patience} epochs without improvement (early stopping).
 * Deterministic for a seed.
 */
public final class SasRecTraining {
  /**
   * What each training example teaches.
   */
  public enum Objective {
    /** The window's last slot predicts the example's target: one prediction per example. */
    LAST,
    /**
     * Every real slot of the window predicts what followed it (the next history item; the last
     * slot the target), as the paper trains: each example also teaches the shorter contexts of
     * its history, which is what a request with a short history asks.
     */
    EVERY_POSITION;

    /** The option's spelling ({@code last}, {@code every-position}). */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The objective of a label ({@link #label}). */
    public static Objective of(String label) {
      for (Objective o : values()) {
        if (o.label().equals(label)) {
          return o;
        }
      }
      throw new IllegalArgumentException("unknown objective '" + label + "': use last or every-position");
    }
  }

  /** Hyper-parameters. */
  public record Options(int maxEpochs, int patience, int batchSize, float learningRate, long seed,
      Objective objective) {
    public Options {
      if (maxEpochs < 1 || patience < 1 || batchSize < 1 || !(learningRate > 0) || objective == null) {
        throw new IllegalArgumentException("max epochs, patience, batch size >= 1, learning rate > 0 and an "
            + "objective required");
      }
    }

    /** The method notes' settings: Adam lr 1e-3, batch 128, patience 5. */
    public static Options standard(int maxEpochs, long seed) {
      return new Options(maxEpochs, 5, 128, 1e-3f, seed, Objective.LAST);
    }
  }

  /** A history (catalogue rows, oldest first) and the row that came next. */
  public record Example(int[] history, int target) {}

  /** Called after each epoch. */
  public interface Progress {
    void epoch(int epoch, float trainLoss, double validNdcg10, boolean best);
  }

  /** What a run did. */
  public record Result(int epochs, int bestEpoch, double bestValidNdcg10, List<Double> validNdcg10, double seconds,
      long examplesPerEpoch) {}

  private SasRecTraining() {}

  /**
   * @param itemIds the catalogue's item ids in row order (the file is bound to them)
   * @param out     where the best epoch's model is written ({@link SasRecFile})
   */
  public static Result train(SasRecConfig config, List<Example> train, List<Example> valid, Options o,
      List<String> itemIds, Path out, Progress progress) throws IOException {
    if (train.isEmpty() || valid.isEmpty()) {
      throw new IllegalArgumentException("SASRec needs training and validation examples, got " + train.size()
          + " and " + valid.size());
    }
    Engine.getInstance().setRandomSeed((int) o.seed());
    Random rnd = new Random(o.seed());
    List<Example> order = new ArrayList<>(train);
    long start = System.nanoTime();
    try (Model holder = Model.newInstance("sasrec", "PyTorch")) {
      SasRecModel model = new SasRecModel(config);
      model.initialize(holder.getNDManager());
      holder.setBlock(model);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(o.learningRate())).build();
      try (Trainer trainer = holder.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam))) {
        SasRec scorer = SasRec.of(model, holder.getNDManager());
        List<Double> curve = new ArrayList<>();
        double best = -1;
        int bestEpoch = 0;
        int epoch = 0;
        while (epoch < o.maxEpochs() && epoch - bestEpoch < o.patience()) {
          epoch++;
          Collections.shuffle(order, rnd);
          double lossSum = 0;
          int batches = 0;
          for (int from = 0; from < order.size(); from += o.batchSize()) {
            List<Example> batch = order.subList(from, Math.min(order.size(), from + o.batchSize()));
            try (NDManager m = holder.getNDManager().newSubManager()) {
              NDArray ids = m.create(SasRec.window(batch.stream().map(Example::history).toList(), config.maxLength()),
                  new Shape(batch.size(), config.maxLength()));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray loss;
                if (o.objective() == Objective.LAST) {
                  NDArray targets = m.create(batch.stream().mapToLong(Example::target).toArray());
                  loss = crossEntropy(trainer.forward(new NDList(ids)).singletonOrThrow(), targets);
                } else {
                  Slots slots = Slots.of(batch, config.maxLength());
                  NDArray targets = m.create(slots.targets(), new Shape(batch.size(), config.maxLength()));
                  NDArray mask = m.create(slots.mask(), new Shape(batch.size(), config.maxLength()));
                  // the forward with labels scores every slot (SasRecModel)
                  NDArray scores = trainer.forward(new NDList(ids), new NDList(targets)).singletonOrThrow();
                  loss = crossEntropy(scores, targets, mask);
                }
                lossSum += loss.getFloat();
                gc.backward(loss);
              }
              trainer.step();
              batches++;
            }
          }
          double ndcg = validNdcg10(scorer, valid);
          curve.add(ndcg);
          boolean improved = ndcg > best;
          if (improved) {
            best = ndcg;
            bestEpoch = epoch;
            SasRecFile.write(model, itemIds, out);
          }
          progress.epoch(epoch, (float) (lossSum / batches), ndcg, improved);
        }
        return new Result(epoch, bestEpoch, best, curve, (System.nanoTime() - start) / 1e9, train.size());
      }
    }
  }

  /** Full-catalogue NDCG@10 of the model on the examples, each history excluded from its ranking. */
  public static double validNdcg10(SasRec scorer, List<Example> examples) {
    int[] ranks = new int[examples.size()];
    int batch = 256;
    for (int from = 0; from < examples.size(); from += batch) {
      List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
      float[][] scores = scorer.scores(part.stream().map(Example::history).toList());
      for (int i = 0; i < part.size(); i++) {
        ranks[from + i] = SignalRanking.rank(scores[i], SignalRanking.seen(part.get(i).history()),
            part.get(i).target());
      }
    }
    return RankingMetrics.ndcg10(ranks);
  }

  /** Mean of -log softmax(scores)[target] over the batch: scores [batch, items], targets [batch]. */
  static NDArray crossEntropy(NDArray scores, NDArray targets) {
    return scores.logSoftmax(1).gather(targets.expandDims(1), 1).mean().neg();
  }

  /**
   * Mean of -log softmax(scores)[target] over the slots the mask keeps: scores [batch, n, items],
   * targets and mask [batch, n].
   */
  static NDArray crossEntropy(NDArray scores, NDArray targets, NDArray mask) {
    NDArray picked = scores.logSoftmax(2).gather(targets.expandDims(2), 2).squeeze(2);
    return picked.mul(mask).sum().neg().div(mask.sum());
  }

  /**
   * What each slot of the examples' windows predicts ({@link Objective#EVERY_POSITION}): the
   * catalogue row that followed it, and 1 in the mask where the slot holds an item (padding
   * predicts nothing; its target is 0 and masked out).
   */
  record Slots(long[] targets, float[] mask) {
    static Slots of(List<Example> batch, int n) {
      long[] targets = new long[batch.size() * n];
      float[] mask = new float[targets.length];
      for (int b = 0; b < batch.size(); b++) {
        int[] h = batch.get(b).history();
        int take = Math.min(n, h.length);
        int first = n - take; // the window's first real slot (SasRec.window right-aligns)
        for (int j = first; j < n; j++) {
          int next = j + 1 < n ? h[h.length - take + (j - first) + 1] : batch.get(b).target();
          targets[b * n + j] = next;
          mask[b * n + j] = 1f;
        }
      }
      return new Slots(targets, mask);
    }
  }
}
