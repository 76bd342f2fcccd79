package dev.recsys.trainer.llm;

import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LlamaModel;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Causal language-model training of a {@link LlamaModel}: next-token cross-entropy over whole
 * texts (BIGRec trains on the full instruction text), right-padded batches whose padding is
 * masked out of the loss, Adam. With a LoRA model whose base is frozen only the adapter learns.
 * Deterministic for a seed (sample order and DJL's random generator).
 */
public final class CausalLmTraining {
  /** Hyper-parameters of one run. */
  public record Options(int epochs, int batchSize, float learningRate, int maxLength, long seed,
      long microBatchFloats) {
    public Options {
      if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || maxLength < 2 || microBatchFloats < 1) {
        throw new IllegalArgumentException("epochs, batch size >= 1, learning rate > 0, max length >= 2 required");
      }
    }

    /** With micro-batches of at most {@link #MICRO_BATCH_FLOATS} activation floats. */
    public Options(int epochs, int batchSize, float learningRate, int maxLength, long seed) {
      this(epochs, batchSize, learningRate, maxLength, seed, MICRO_BATCH_FLOATS);
    }
  }

  /** Reported after every step. */
  public interface Progress {
    void step(int step, int totalSteps, float loss, long tokens);
  }

  /** What a run did; {@code skippedSteps} batches had a non-finite loss and were not applied. */
  public record Result(int steps, long tokens, float firstLoss, float lastEpochLoss, double seconds, int skippedSteps) {
    public Result(int steps, long tokens, float firstLoss, float lastEpochLoss, double seconds) {
      this(steps, tokens, firstLoss, lastEpochLoss, seconds, 0);
    }

    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  private CausalLmTraining() {}

  /**
   * @param sequences token ids of each text, already with bos/eos; longer ones are cut at maxLength
   * @param pad       padding id (never predicted: masked out of the loss)
   */
  public static Result train(LlamaModel model, List<long[]> sequences, long pad, Options o, Progress progress) {
    Engine.getInstance().setRandomSeed((int) o.seed());
    List<long[]> order = new ArrayList<>(sequences);
    Random rnd = new Random(o.seed());
    int perEpoch = (order.size() + o.batchSize() - 1) / o.batchSize();
    int total = perEpoch * o.epochs();
    try (Model holder = Model.newInstance("llama", "PyTorch")) {
      holder.setBlock(model);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(o.learningRate())).build();
      try (Trainer trainer = holder.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam))) {
        long tokens = 0;
        int skipped = 0;
        int skippedInARow = 0;
        float first = Float.NaN;
        float epochLoss = 0;
        int step = 0;
        long start = System.nanoTime();
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
          Collections.shuffle(order, rnd);
          double sum = 0;
          int applied = 0;
          for (int b = 0; b < perEpoch; b++) {
            List<long[]> batch = order.subList(b * o.batchSize(), Math.min(order.size(), (b + 1) * o.batchSize()));
            try (NDManager m = holder.getNDManager().newSubManager()) {
              // a big model's batch runs as micro-batches whose gradients add up (one collector):
              // each micro-batch's mean loss is weighted by its share of the batch's predicted tokens
              List<List<long[]>> micro = microBatches(batch, model.config(), o.maxLength(), o.microBatchFloats());
              double predicted = predicted(batch, o.maxLength());
              float loss = 0;
              long batchTokens = 0;
              try (GradientCollector gc = trainer.newGradientCollector()) {
                for (List<long[]> part : micro) {
                  try (NDManager pm = m.newSubManager()) {
                    Batch padded = pad(part, pad, o.maxLength());
                    NDArray ids = pm.create(padded.ids, new Shape(part.size(), padded.length));
                    // the logits of the predicting positions only, in row chunks (LlamaModel's labelled forward)
                    NDList logits = trainer.forward(new NDList(ids), new NDList(pm.create(padded.positions)));
                    NDArray l = nextTokenLoss(logits, pm.create(padded.targets));
                    float share = (float) (predicted(part, o.maxLength()) / predicted);
                    float partLoss = l.getFloat();
                    loss += share * partLoss;
                    batchTokens += padded.tokens;
                    if (!Float.isFinite(partLoss)) {
                      gc.zeroGradients(); // the earlier parts' gradients must not reach the next batch
                      break;
                    }
                    // the share as a PyTorch scalar (never mul(number) on the autograd path: see LlamaModel)
                    gc.backward(micro.size() == 1 ? l : l.mul(pm.full(new Shape(), share)));
                  }
                }
              }
              step++;
              if (!Float.isFinite(loss)) {
                // a batch whose loss is not finite is skipped, not applied (as loss-scaling trainers
                // do); several in a row mean the weights themselves went bad
                skipped++;
                if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
                  throw new IllegalStateException("the loss was " + loss + " for " + skippedInARow
                      + " batches in a row up to step " + step + "; lower the learning rate (" + o.learningRate() + ")");
                }
                progress.step(step, total, loss, tokens);
                continue;
              }
              skippedInARow = 0;
              clipGradientNorm(model, MAX_GRAD_NORM, m);
              trainer.step();
              tokens += batchTokens;
              sum += loss;
              applied++;
              if (Float.isNaN(first)) {
                first = loss;
              }
              progress.step(step, total, loss, tokens);
            }
          }
          epochLoss = (float) (sum / Math.max(1, applied));
        }
        return new Result(step, tokens, first, epochLoss, (System.nanoTime() - start) / 1e9, skipped);
      }
    }
  }

  /**
   * The first epoch's batches in the order {@link #train} runs them (its seeded shuffle), each as the
   * micro-batches it is computed in: what a peer trainer must run to train on exactly the same data.
   */
  public static List<List<List<long[]>>> firstEpoch(LlamaConfig c, List<long[]> sequences, Options o) {
    List<long[]> order = new ArrayList<>(sequences);
    Collections.shuffle(order, new Random(o.seed()));
    List<List<List<long[]>>> batches = new ArrayList<>();
    for (int b = 0; b < order.size(); b += o.batchSize()) {
      batches.add(microBatches(order.subList(b, Math.min(order.size(), b + o.batchSize())), c, o.maxLength(),
          o.microBatchFloats()));
    }
    return batches;
  }

  /** Global gradient-norm bound, as LLM trainers use (Hugging Face's default max_grad_norm is 1.0). */
  static final double MAX_GRAD_NORM = 1.0;
  static final int MAX_SKIPPED_IN_A_ROW = 3;

  /** Scales all gradients down so that their global L2 norm is at most {@code max}; returns the norm before. */
  static double clipGradientNorm(LlamaModel model, double max, NDManager step) {
    // temporaries are closed here and gradient handles handed to the step's manager (closed after
    // the optimizer ran): ops on a gradient land in the parameters' manager and would otherwise
    // pile up for the whole run
    List<NDArray> grads = new ArrayList<>();
    double sq = 0;
    for (var p : model.parametersByName().values()) {
      if (p.requiresGradient()) {
        NDArray g = p.getArray().getGradient();
        g.attach(step);
        grads.add(g);
        try (NDArray square = g.square(); NDArray sum = square.sum()) {
          sq += sum.getFloat();
        }
      }
    }
    double norm = Math.sqrt(sq);
    if (norm > max) {
      float scale = (float) (max / (norm + 1e-6));
      for (NDArray g : grads) {
        g.muli(scale);
      }
    }
    return norm;
  }

  /**
   * Mean cross-entropy of the targets: {@code logits} the n predicting positions' logits as
   * consecutive chunks of rows, each [rows, vocab] (what the labelled forward returns),
   * {@code targets} [n] the token that follows each. Each chunk's log-softmax and picks on its own,
   * so no tensor is ever vocabulary-wide for all n positions.
   */
  static NDArray nextTokenLoss(NDList logits, NDArray targets) {
    // each position's target log-probability picked by index (torch.gather), not by a product with a
    // one-hot [n, vocabulary] tensor: at 49,152 tokens that tensor and its gradient were two more
    // vocabulary-sized arrays per micro-batch
    NDArray sum = null;
    long from = 0;
    for (NDArray chunk : logits) {
      long rows = chunk.getShape().get(0);
      NDArray picked = chunk.logSoftmax(1).gather(targets.get(from + ":" + (from + rows)).expandDims(1), 1).sum();
      sum = sum == null ? picked : sum.add(picked);
      from += rows;
    }
    if (sum == null || from != targets.getShape().get(0)) {
      throw new IllegalArgumentException("the logits' " + from + " rows do not match " + targets.getShape().get(0)
          + " targets");
    }
    // the mean through a PyTorch scalar (never div(number) on the autograd path: see LlamaModel)
    return sum.div(sum.getManager().full(new Shape(), (float) from)).neg();
  }

  /**
   * A padded micro-batch: {@code ids} [rows, length]; the flat indexes ({@code row * length + i})
   * of the positions whose next token is real, and that token.
   */
  private record Batch(long[] ids, long[] positions, long[] targets, int length, long tokens) {}

  /** Positions whose next token is predicted (those {@link #pad} lists): each cut sequence's length - 1. */
  static double predicted(List<long[]> seqs, int maxLength) {
    double n = 0;
    for (long[] s : seqs) {
      n += Math.min(s.length, maxLength) - 1;
    }
    return n;
  }

  /**
   * Activation floats kept per token for the backward pass, roughly: per layer the hidden-size
   * tensors (norms, projections, rotary, residuals), the feed-forward ones and the attention
   * scores, then the vocabulary-size logits, log-softmax and one-hot picks.
   */
  static long floatsPerToken(LlamaConfig c, int length) {
    return (long) c.numHiddenLayers() * (14L * c.hiddenSize() + 5L * c.intermediateSize()
        + 3L * c.numAttentionHeads() * length) + 4L * c.vocabSize();
  }

  /** Activation floats one micro-batch may hold (about 2 GiB): the small bases never split. */
  static final long MICRO_BATCH_FLOATS = 512L << 20;

  /** The batch cut into consecutive parts whose activations fit {@code budget} floats (at least one sequence each). */
  static List<List<long[]>> microBatches(List<long[]> batch, LlamaConfig c, int maxLength, long budget) {
    int len = 0;
    for (long[] s : batch) {
      len = Math.max(len, Math.min(s.length, maxLength));
    }
    long perSequence = floatsPerToken(c, len) * len;
    int per = (int) Math.max(1, Math.min(batch.size(), budget / Math.max(1, perSequence)));
    List<List<long[]>> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i += per) {
      out.add(batch.subList(i, Math.min(batch.size(), i + per)));
    }
    return out;
  }

  private static Batch pad(List<long[]> seqs, long pad, int maxLength) {
    int len = 0;
    for (long[] s : seqs) {
      len = Math.max(len, Math.min(s.length, maxLength));
    }
    long[] ids = new long[seqs.size() * len];
    int predicted = (int) predicted(seqs, maxLength);
    long[] positions = new long[predicted];
    long[] targets = new long[predicted];
    int k = 0;
    long tokens = 0;
    for (int r = 0; r < seqs.size(); r++) {
      long[] s = seqs.get(r);
      int n = Math.min(s.length, len);
      for (int i = 0; i < len; i++) {
        ids[r * len + i] = i < n ? s[i] : pad;
      }
      for (int i = 0; i + 1 < n; i++) {
        positions[k] = (long) r * len + i;
        targets[k++] = s[i + 1];
      }
      tokens += n;
    }
    return new Batch(ids, positions, targets, len, tokens);
  }
}
