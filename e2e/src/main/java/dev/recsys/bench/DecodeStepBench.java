package dev.recsys.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.KvCache;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.gguf.GgufLlamaConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where one decoding step of the in-process model goes, one PyTorch thread: the whole step (one
 * new position after {@code cache} cached ones, for 1 and 4 rows), the same step's weight
 * products alone (every layer's q/k/v/o/gate/up/down projection applied to one vector per row,
 * and the vocabulary projection; the step runs q/k/v and gate/up as one product each, the
 * products alone separately, the same arithmetic), and what one small element-wise op costs
 * through DJL. The
 * difference between the step and its products is the attention over the cache, the norms, the
 * rotary embedding, the cache bookkeeping and every op's dispatch.
 *
 * <p>Usage: {@code DecodeStepBench [checkpoint folder | -] [cache=190] [steps=20]}; "-" converts
 * the pretrained base's GGUF ({@code scripts/fetch-base.sh}) into a temporary checkpoint.
 */
public final class DecodeStepBench {
  private DecodeStepBench() {}

  public static void main(String[] args) throws Exception {
    DjlDefaults.apply();
    Path checkpoint;
    if (args.length == 0 || args[0].equals("-")) {
      Path gguf = PretrainedGguf.verifiedOrExit(", or pass a checkpoint folder");
      checkpoint = Files.createTempDirectory("recsys-decode-bench");
      GgufLlamaConverter.convert(gguf, checkpoint);
    } else {
      checkpoint = Path.of(args[0]);
    }
    int cached = args.length > 1 ? Integer.parseInt(args[1]) : 190;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      LlamaModel model = LlamaCheckpoint.load(checkpoint, manager); // its products, one by one
      LlamaModel served = LlamaCheckpoint.load(checkpoint, manager);
      served.prepareForInference(); // the whole step as the generator runs it (q/k/v and gate/up fused)
      LlamaConfig c = model.config();
      ParameterStore ps = new ParameterStore(manager, false);
      long projectionWeights = 0;
      for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
        if (e.getKey().endsWith("_proj.weight")) {
          projectionWeights += e.getValue().getArray().size();
        }
      }
      long headWeights = (long) c.vocabSize() * c.hiddenSize();
      System.out.printf(Locale.ROOT, "checkpoint %s: %d layers, hidden %d, vocabulary %d; %.1fM projection weights "
          + "(%.0f MB float32) and %.1fM in the vocabulary projection; %d cached positions, %d steps per row, "
          + "1 PyTorch thread%n%n", checkpoint.getFileName(), c.numHiddenLayers(), c.hiddenSize(), c.vocabSize(),
          projectionWeights / 1e6, projectionWeights * 4 / 1e6, headWeights / 1e6, cached, steps);
      System.out.println("| rows | whole step p50 (ms) | layer projections alone (ms) | their weights read at (GB/s) "
          + "| vocabulary projection alone (ms) | the rest of the step (ms) |");
      System.out.println("|---|---|---|---|---|---|");
      for (int rows : new int[] {1, 4}) {
        double step = stepMillis(served, ps, manager, rows, cached, steps);
        double proj = projectionsMillis(model, manager, rows, steps);
        double head = headMillis(model, manager, rows, steps);
        System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", rows, step, proj,
            projectionWeights * 4 / 1e9 / (proj / 1e3), head, step - proj - head);
      }
      System.out.printf(Locale.ROOT, "%none small element-wise op (add of two [1, 1, %d] arrays) through DJL: %.1f us%n",
          c.hiddenSize(), tinyOpMicros(manager, c.hiddenSize()));
    }
  }

  /** Median time of one cached decoding step for {@code rows} rows after {@code cached} positions. */
  private static double stepMillis(LlamaModel model, ParameterStore ps, NDManager manager, int rows, int cached,
      int steps) {
    try (NDManager m = manager.newSubManager()) {
      long[] ids = new long[rows * cached];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 100 + i % cached;
      }
      KvCache cache = new KvCache(model.config().numHiddenLayers());
      model.lastLogits(ps, m.create(ids, new Shape(rows, cached)), cache);
      long[] nanos = new long[steps];
      long[] next = new long[rows];
      java.util.Arrays.fill(next, 5);
      for (int s = 0; s < steps; s++) {
        long t0 = System.nanoTime();
        model.lastLogits(ps, m.create(next, new Shape(rows, 1)), cache).toFloatArray();
        nanos[s] = System.nanoTime() - t0;
      }
      return new Stats(nanos).p(50);
    }
  }

  /** Median time of every layer projection of one step, each applied to one vector per row. */
  private static double projectionsMillis(LlamaModel model, NDManager manager, int rows, int steps) {
    LlamaConfig c = model.config();
    Map<String, Parameter> p = model.parametersByName();
    long[] nanos = new long[steps];
    for (int s = 0; s < steps; s++) {
      try (NDManager m = manager.newSubManager()) {
        NDArray x = m.randomNormal(new Shape(rows, 1, c.hiddenSize()));
        NDArray inner = m.randomNormal(new Shape(rows, 1, c.intermediateSize()));
        NDArray attn = m.randomNormal(new Shape(rows, 1, (long) c.numAttentionHeads() * c.headDim()));
        long t0 = System.nanoTime();
        NDArray y = null;
        for (int l = 0; l < c.numHiddenLayers(); l++) {
          String pre = "model.layers." + l + ".";
          for (String module : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
              "mlp.gate_proj", "mlp.up_proj"}) {
            y = product(m, x, p.get(pre + module + ".weight"));
          }
          y = product(m, attn, p.get(pre + "self_attn.o_proj.weight"));
          y = product(m, inner, p.get(pre + "mlp.down_proj.weight"));
        }
        y.toFloatArray();
        nanos[s] = System.nanoTime() - t0;
      }
    }
    return new Stats(nanos).p(50);
  }

  private static double headMillis(LlamaModel model, NDManager manager, int rows, int steps) {
    LlamaConfig c = model.config();
    String name = c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    long[] nanos = new long[steps];
    for (int s = 0; s < steps; s++) {
      try (NDManager m = manager.newSubManager()) {
        NDArray x = m.randomNormal(new Shape(rows, 1, c.hiddenSize()));
        long t0 = System.nanoTime();
        product(m, x, model.parametersByName().get(name)).toFloatArray();
        nanos[s] = System.nanoTime() - t0;
      }
    }
    return new Stats(nanos).p(50);
  }

  private static NDArray product(NDManager m, NDArray x, Parameter weight) {
    NDArray y = Linear.linear(x, weight.getArray()).singletonOrThrow();
    y.attach(m); // an op whose operand is a parameter lands in the parameter's manager
    return y;
  }

  private static double tinyOpMicros(NDManager manager, int hidden) {
    long[] nanos = new long[7];
    for (int r = 0; r < nanos.length; r++) {
      try (NDManager m = manager.newSubManager()) {
        NDArray x = m.randomNormal(new Shape(1, 1, hidden));
        long t0 = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
          x.add(x);
        }
        nanos[r] = (System.nanoTime() - t0) / 2000;
      }
    }
    return new Stats(nanos).p(50) * 1e3;
  }
}
