package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.common.artifact.ArtifactException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DJL Llama forward pass against an independent numpy implementation (test resources). */
class LlamaModelTest {
  @TempDir Path dir;
  NDManager manager;
  Path reference;

  @BeforeEach
  void setUp() throws Exception {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    reference = ReferenceCheckpoint.copyTo(dir.resolve("reference"));
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  NDArray ids(JsonNode expected) {
    JsonNode rows = expected.get("input_ids");
    long[] flat = new long[rows.size() * rows.get(0).size()];
    int i = 0;
    for (JsonNode r : rows) {
      for (JsonNode v : r) {
        flat[i++] = v.asLong();
      }
    }
    return manager.create(flat, new Shape(rows.size(), rows.get(0).size()));
  }

  static float[] floats(JsonNode values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) values.get(i).asDouble();
    }
    return out;
  }

  static void assertClose(float[] actual, float[] expected, float tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    float worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    assertThat(worst).as("largest absolute difference").isLessThanOrEqualTo(tolerance);
  }

  @Test
  void forward_matchesTheNumpyReference() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(reference.resolve("expected.json").toFile());
    LlamaModel model = LlamaCheckpoint.load(reference, manager);
    NDList out = model.forward(new ParameterStore(manager, false), ids(expected), null, false);
    assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, 6, 32));
    assertClose(out.get(0).toFloatArray(), floats(expected.get("logits")), 1e-4f);
    assertClose(out.get(1).toFloatArray(), floats(expected.get("hidden")), 1e-5f);
  }

  @Test
  void aLabelledForward_givesTheLogitsOfTheListedPositionsOnly() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(reference.resolve("expected.json").toFile());
    LlamaModel model = LlamaCheckpoint.load(reference, manager);
    ParameterStore ps = new ParameterStore(manager, false);
    NDArray ids = ids(expected); // [2, 6]
    long[] positions = {0, 3, 4, 6, 8}; // row 0 at 0, 3, 4; row 1 at 0, 2
    NDArray some = model.forward(ps, new NDList(ids), new NDList(manager.create(positions)), null).singletonOrThrow();
    assertThat(some.getShape()).isEqualTo(new Shape(5, 32));
    float[] all = floats(expected.get("logits"));
    float[] want = new float[5 * 32];
    for (int i = 0; i < positions.length; i++) {
      System.arraycopy(all, (int) positions[i] * 32, want, i * 32, 32);
    }
    assertClose(some.toFloatArray(), want, 1e-4f);

    // smaller chunk budgets (of the 32-token vocabulary): as few chunks as fit, evenly sized, the same logits
    NDArray rows = model.hidden(ps, ids, null, false).reshape(-1, 16).get(new NDIndex("{}", manager.create(positions)));
    NDList even = model.logitChunks(ps, ids, rows, 4 * 32 + 31, false); // at most 4 rows: 3 + 2, not 4 + 1
    assertThat(even).extracting(NDArray::getShape).containsExactly(new Shape(3, 32), new Shape(2, 32));
    assertClose(NDArrays.concat(even, 0).toFloatArray(), want, 1e-4f);
    NDList twos = model.logitChunks(ps, ids, rows, 2 * 32, false); // at most 2 rows: 3 chunks
    assertThat(twos).extracting(NDArray::getShape)
        .containsExactly(new Shape(2, 32), new Shape(2, 32), new Shape(1, 32));
    assertClose(NDArrays.concat(twos, 0).toFloatArray(), want, 1e-4f);
    assertThat(model.logitChunks(ps, ids, rows, 5 * 32, false)).hasSize(1);
  }

  @Test
  void kvCache_givesTheSameLogitsAsTheFullForward() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(reference.resolve("expected.json").toFile());
    LlamaModel model = LlamaCheckpoint.load(reference, manager);
    ParameterStore ps = new ParameterStore(manager, false);
    NDArray ids = ids(expected);
    NDArray full = model.forward(ps, ids, null, false).get(0);
    KvCache cache = new KvCache(model.config().numHiddenLayers());
    model.forward(ps, ids.get(new NDIndex(":, :4")), cache, false);
    NDArray step5 = model.forward(ps, ids.get(new NDIndex(":, 4:5")), cache, false).get(0);
    NDArray step6 = model.forward(ps, ids.get(new NDIndex(":, 5:6")), cache, false).get(0);
    assertThat(cache.length()).isEqualTo(6);
    assertClose(step5.toFloatArray(), full.get(new NDIndex(":, 4:5, :")).toFloatArray(), 1e-5f);
    assertClose(step6.toFloatArray(), full.get(new NDIndex(":, 5:6, :")).toFloatArray(), 1e-5f);
  }

  @Test
  void packedRows_giveThePaddedBatchsLogitsAtTheirRealPositions_preparedOrNot() {
    LlamaModel model = LlamaCheckpoint.load(reference, manager);
    ParameterStore ps = new ParameterStore(manager, false);
    long[] prompts = {1, 5, 9, 1, 7, 3, 1, 4, 4};
    List<long[]> feeds = List.of(new long[] {8, 6, 12, 3}, new long[] {11}, new long[] {2, 10});
    long[] padded = {8, 6, 12, 3, 11, 11, 11, 11, 2, 10, 10, 10};
    int vocab = model.config().vocabSize();
    for (boolean prepared : new boolean[] {false, true}) {
      if (prepared) {
        model.prepareForInference();
      }
      KvCache paddedCache = new KvCache(model.config().numHiddenLayers());
      model.forward(ps, manager.create(prompts, new Shape(3, 3)), paddedCache, false);
      float[] expected = model.forward(ps, manager.create(padded, new Shape(3, 4)), paddedCache, false).get(0)
          .toFloatArray();
      KvCache packedCache = new KvCache(model.config().numHiddenLayers());
      model.forward(ps, manager.create(prompts, new Shape(3, 3)), packedCache, false);
      float[] packed = model.logitsAt(ps, LlamaModel.Packed.of(manager, feeds), packedCache,
          manager.create(new long[] {0, 1, 2, 3, 4, 5, 6})).toFloatArray();
      int[] paddedPosition = {0, 1, 2, 3, 4, 8, 9}; // row * 4 + j of each packed position
      for (int i = 0; i < paddedPosition.length; i++) {
        assertClose(java.util.Arrays.copyOfRange(packed, i * vocab, (i + 1) * vocab),
            java.util.Arrays.copyOfRange(expected, paddedPosition[i] * vocab, (paddedPosition[i] + 1) * vocab), 1e-5f);
      }
      assertThat(packedCache.length()).as("extended by the longest feed").isEqualTo(3 + 4);
    }
  }

  @Test
  void anInferenceForward_leavesItsCallerOnlyItsOutputsAndTheCache_notEveryLayersIntermediates() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(reference.resolve("expected.json").toFile());
    LlamaModel model = LlamaCheckpoint.load(reference, manager);
    ParameterStore ps = new ParameterStore(manager, false);
    int layers = model.config().numHiddenLayers();
    try (NDManager step = manager.newSubManager()) {
      NDArray ids = ids(expected);
      ids.attach(step);
      KvCache cache = new KvCache(layers);
      int before = step.getManagedArrays().size();
      NDArray logits = model.forward(ps, ids, cache, false).get(0);
      int left = step.getManagedArrays().size() - before;
      // the cache's keys and values (2 a layer) and a fixed handful around the layers (embedding
      // rows, rotary tables, mask, the final norm's steps, logits: 13 here); each layer's ~55
      // intermediates are freed (127 arrays were left before)
      assertThat(left).as("arrays left in the caller's manager").isLessThanOrEqualTo(2 * layers + 16);
      assertThat(logits.isReleased()).isFalse();
      for (int l = 0; l < layers; l++) {
        assertThat(cache.keys(l).isReleased() || cache.values(l).isReleased()).as("layer %d's cache", l).isFalse();
      }
      assertClose(logits.toFloatArray(), floats(expected.get("logits")), 1e-4f);
    }
  }

  @Test
  void saveThenLoad_roundTripsExactly() throws Exception {
    LlamaModel model = LlamaCheckpoint.load(reference, manager);
    LlamaCheckpoint.save(model, dir.resolve("copy"));
    LlamaModel back = LlamaCheckpoint.load(dir.resolve("copy"), manager);
    assertThat(back.config()).isEqualTo(model.config());
    for (String name : model.parametersByName().keySet()) {
      assertThat(back.parametersByName().get(name).getArray().toFloatArray()).as(name)
          .containsExactly(model.parametersByName().get(name).getArray().toFloatArray());
    }
  }

  @Test
  void configAndWeightsMismatch_isRefusedNamingTheTensor() throws Exception {
    Path bad = dir.resolve("bad");
    Files.createDirectories(bad);
    Files.copy(reference.resolve("model.safetensors"), bad.resolve("model.safetensors"));
    String config = Files.readString(reference.resolve("config.json"));
    Files.writeString(bad.resolve("config.json"), config.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
    assertThatThrownBy(() -> LlamaCheckpoint.load(bad, manager)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("model.safetensors").hasMessageContaining("model.layers.2.input_layernorm.weight is missing");
    Files.writeString(bad.resolve("config.json"), config.replace("\"intermediate_size\": 24", "\"intermediate_size\": 20"));
    assertThatThrownBy(() -> LlamaCheckpoint.load(bad, manager))
        .hasMessageContaining("mlp.gate_proj.weight has shape [24, 16] but config.json implies (20, 16)");
    Files.writeString(bad.resolve("config.json"), config.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
    assertThatThrownBy(() -> LlamaCheckpoint.load(bad, manager)).hasMessageContaining("[lm_head.weight] do not belong");
    Files.writeString(bad.resolve("config.json"), config.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
    assertThatThrownBy(() -> LlamaCheckpoint.load(bad, manager)).hasMessageContaining("config.json")
        .hasMessageContaining("must be a multiple of num_key_value_heads (3)");
  }

  @Test
  void freshModel_initialisesEveryParameter_withUnitNormGains() {
    LlamaConfig c = new LlamaConfig(40, 16, 32, 1, 4, 4, 1e-6, 10000, 32, true, 1, 2);
    LlamaModel model = new LlamaModel(c);
    model.initialize(manager);
    assertThat(model.parametersByName()).doesNotContainKey("lm_head.weight");
    assertThat(model.parametersByName().get("model.norm.weight").getArray().toFloatArray()).containsOnly(1f);
    NDList out = model.forward(new ParameterStore(manager, false), manager.create(new long[] {1, 2, 3}, new Shape(1, 3)),
        null, false);
    assertThat(out.get(0).getShape()).isEqualTo(new Shape(1, 3, 40));
  }
}
