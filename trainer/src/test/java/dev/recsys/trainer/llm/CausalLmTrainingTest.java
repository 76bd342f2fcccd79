package dev.recsys.trainer.llm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.ReferenceCheckpoint;
import dev.recsys.llm.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CausalLmTrainingTest {
  @TempDir Path dir;
  NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  static final LlamaConfig TINY = new LlamaConfig(12, 32, 64, 1, 4, 2, 1e-6, 10000, 32, true, 1, 2);

  /** Two fixed "sentences" the model can memorise: 1 4 5 6 7 2 and 1 8 9 10 11 2. */
  static List<long[]> corpus() {
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      out.add(new long[] {1, 4, 5, 6, 7, 2});
      out.add(new long[] {1, 8, 9, 10, 11, 2, 3, 3});
    }
    return out;
  }

  LlamaModel fresh(long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    LlamaModel model = new LlamaModel(TINY);
    model.initialize(manager);
    return model;
  }

  @Test
  void learnsAToyCorpus_lossFalls_andGreedyDecodingReproducesIt() {
    LlamaModel model = fresh(1);
    CausalLmTraining.Result r = CausalLmTraining.train(model, corpus(), 3,
        new CausalLmTraining.Options(25, 8, 1e-2f, 16, 7), (s, t, l, n) -> { });
    assertThat(r.steps()).isEqualTo(100);
    assertThat(r.lastEpochLoss()).isLessThan(0.25f * r.firstLoss());
    Decoding d = new Decoding(model, manager);
    assertThat(d.greedy(new long[] {1, 4}, 6, 2).tokens()).containsExactly(5, 6, 7, 2);
    assertThat(d.greedy(new long[] {1, 8}, 6, 2).tokens()).containsExactly(9, 10, 11, 2);
  }

  @Test
  void nextTokenLoss_isTheMeanCrossEntropyOfTheTargets() {
    // logits [4 predicting positions, 5 tokens] and the token that follows each
    java.util.Random rnd = new java.util.Random(3);
    float[] logits = new float[4 * 5];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) rnd.nextGaussian() * 2;
    }
    long[] targets = {4, 0, 3, 2};
    double sum = 0;
    for (int p = 0; p < 4; p++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < 5; v++) {
        max = Math.max(max, logits[p * 5 + v]);
      }
      double z = 0;
      for (int v = 0; v < 5; v++) {
        z += Math.exp(logits[p * 5 + v] - max);
      }
      sum += -(logits[p * 5 + (int) targets[p]] - max - Math.log(z));
    }
    NDArray all = manager.create(logits, new ai.djl.ndarray.types.Shape(4, 5));
    float loss = CausalLmTraining.nextTokenLoss(new NDList(all), manager.create(targets)).getFloat();
    assertThat((double) loss).isCloseTo(sum / 4, org.assertj.core.data.Offset.offset(1e-5));
    // the same logits in chunks of 3 and 1 rows (as the labelled forward gives them): the same loss
    float chunked = CausalLmTraining.nextTokenLoss(all.split(new long[] {3}, 0), manager.create(targets)).getFloat();
    assertThat((double) chunked).isCloseTo(sum / 4, org.assertj.core.data.Offset.offset(1e-5));
    assertThatThrownBy(() -> CausalLmTraining.nextTokenLoss(all.split(new long[] {3}, 0).subNDList(1),
        manager.create(targets))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 rows");
  }

  @Test
  void microBatches_addUpToTheWholeBatchesGradients() {
    // 2 steps of batch 8, once whole and once one sequence per micro-batch (sequences of two
    // lengths, so the shares differ): the same weights up to float rounding
    LlamaModel whole = fresh(5);
    CausalLmTraining.train(whole, corpus().subList(0, 16), 3, new CausalLmTraining.Options(1, 8, 1e-2f, 16, 13),
        (s, t, l, n) -> { });
    LlamaModel parts = fresh(5);
    CausalLmTraining.train(parts, corpus().subList(0, 16), 3, new CausalLmTraining.Options(1, 8, 1e-2f, 16, 13, 1),
        (s, t, l, n) -> { });
    assertThat(CausalLmTraining.microBatches(corpus().subList(0, 8), TINY, 16, 1)).hasSize(8);
    assertThat(CausalLmTraining.microBatches(corpus().subList(0, 8), TINY, 16,
        CausalLmTraining.MICRO_BATCH_FLOATS)).hasSize(1);
    for (String name : whole.parametersByName().keySet()) {
      float[] a = whole.parametersByName().get(name).getArray().toFloatArray();
      float[] b = parts.parametersByName().get(name).getArray().toFloatArray();
      for (int i = 0; i < a.length; i++) {
        assertThat(b[i]).as(name + "[" + i + "]").isCloseTo(a[i], org.assertj.core.data.Offset.offset(2e-5f));
      }
    }
  }

  @Test
  void sameSeed_sameWeights() {
    LlamaModel a = fresh(3);
    CausalLmTraining.train(a, corpus(), 3, new CausalLmTraining.Options(2, 8, 1e-2f, 16, 11), (s, t, l, n) -> { });
    LlamaModel b = fresh(3);
    CausalLmTraining.train(b, corpus(), 3, new CausalLmTraining.Options(2, 8, 1e-2f, 16, 11), (s, t, l, n) -> { });
    for (String name : a.parametersByName().keySet()) {
      assertThat(b.parametersByName().get(name).getArray().toFloatArray()).as(name)
          .containsExactly(a.parametersByName().get(name).getArray().toFloatArray());
    }
  }

  @Test
  void loraTraining_changesOnlyTheAdapter() throws Exception {
    Path reference = ReferenceCheckpoint.copyTo(dir.resolve("reference"));
    LlamaModel model = LlamaCheckpoint.load(reference, manager, LoraConfig.bigrec());
    model.freezeBase();
    List<long[]> data = List.of(new long[] {1, 5, 9, 3, 7, 2}, new long[] {1, 4, 4, 8, 2});
    CausalLmTraining.Result r = CausalLmTraining.train(model, data, 3, new CausalLmTraining.Options(10, 2, 1e-2f, 8, 5),
        (s, t, l, n) -> { });
    assertThat(r.lastEpochLoss()).isLessThan(r.firstLoss());
    SafetensorsFile base = SafetensorsFile.open(reference.resolve(LlamaCheckpoint.WEIGHTS));
    model.parametersByName().forEach((name, p) -> {
      if (name.contains(".lora_")) {
        if (name.endsWith("lora_B.weight")) {
          assertThat(p.getArray().abs().sum().getFloat()).as(name).isPositive();
        }
      } else {
        assertThat(p.getArray().toFloatArray()).as(name).containsExactly(base.floats(name).data());
      }
    });
  }
}
