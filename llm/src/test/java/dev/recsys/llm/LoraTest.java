package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on the reference checkpoint, against the numpy reference and PEFT's file layout. */
class LoraTest {
  @TempDir Path dir;
  NDManager manager;
  Path reference;
  JsonNode expected;

  @BeforeEach
  void setUp() throws Exception {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    reference = ReferenceCheckpoint.copyTo(dir.resolve("reference"));
    expected = new ObjectMapper().readTree(reference.resolve("expected.json").toFile());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  NDArray ids() {
    return manager.create(new long[] {1, 5, 9, 3, 7, 2, 4, 4, 8, 0, 31, 16}, new Shape(2, 6));
  }

  float[] logits(LlamaModel model) {
    return model.forward(new ParameterStore(manager, false), ids(), null, false).get(0).toFloatArray();
  }

  @Test
  void freshAdapter_withBZero_leavesTheBaseUnchanged() {
    LlamaModel model = LlamaCheckpoint.load(reference, manager, LoraConfig.bigrec());
    assertThat(model.parametersByName().get("model.layers.1.self_attn.v_proj.lora_B.weight").getArray().toFloatArray())
        .containsOnly(0f);
    assertThat(model.parametersByName().get("model.layers.1.self_attn.v_proj.lora_A.weight").getArray().abs().sum()
        .getFloat()).isPositive();
    LlamaModelTest.assertClose(logits(model), LlamaModelTest.floats(expected.get("logits")), 1e-4f);
  }

  @Test
  void peftAdapterFromTheReference_givesTheReferenceLogits() {
    LoraConfig config = LoraAdapter.config(reference.resolve("adapter"));
    assertThat(config).isEqualTo(new LoraConfig(4, 8, 0.05, List.of("q_proj", "v_proj")));
    LlamaModel model = LlamaCheckpoint.load(reference, manager, config);
    LoraAdapter.load(model, reference.resolve("adapter"), manager);
    LlamaModelTest.assertClose(logits(model), LlamaModelTest.floats(expected.get("lora_logits")), 1e-4f);
  }

  @Test
  void mergedIntoTheBase_givesTheSameLogits_andRefusesToTrainOrBeSavedAsABase() {
    LoraConfig config = LoraAdapter.config(reference.resolve("adapter"));
    LlamaModel model = LlamaCheckpoint.load(reference, manager, config);
    LoraAdapter.load(model, reference.resolve("adapter"), manager);
    float[] unmerged = logits(model);
    float[] qBefore = model.parametersByName().get("model.layers.0.self_attn.q_proj.weight").getArray().toFloatArray();
    model.mergeLora();
    assertThat(model.loraMerged()).isTrue();
    assertThat(model.parametersByName().get("model.layers.0.self_attn.q_proj.weight").getArray().toFloatArray())
        .as("the product is in the weights").isNotEqualTo(qBefore);
    LlamaModelTest.assertClose(logits(model), unmerged, 1e-5f);
    LlamaModelTest.assertClose(logits(model), LlamaModelTest.floats(expected.get("lora_logits")), 1e-4f);
    model.mergeLora(); // once only
    LlamaModelTest.assertClose(logits(model), unmerged, 1e-5f);
    assertThatThrownBy(() -> model.forward(new ParameterStore(manager, false), ids(), null, true))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("merged");
    assertThatThrownBy(() -> LlamaCheckpoint.save(model, dir.resolve("out")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("merged");
  }

  @Test
  void preparedForInference_givesTheSameLogits_withAndWithoutACache_andRefusesToTrain() {
    LoraConfig config = LoraAdapter.config(reference.resolve("adapter"));
    LlamaModel model = LlamaCheckpoint.load(reference, manager, config);
    LoraAdapter.load(model, reference.resolve("adapter"), manager);
    assertThat(model.config().numKeyValueHeads()).as("grouped-query attention is exercised")
        .isLessThan(model.config().numAttentionHeads());
    float[] unprepared = logits(model);
    model.prepareForInference();
    assertThat(model.preparedForInference()).isTrue();
    assertThat(model.loraMerged()).isTrue();
    LlamaModelTest.assertClose(logits(model), unprepared, 1e-5f);
    LlamaModelTest.assertClose(logits(model), LlamaModelTest.floats(expected.get("lora_logits")), 1e-4f);

    ParameterStore ps = new ParameterStore(manager, false);
    KvCache cache = new KvCache(model.config().numHiddenLayers());
    model.forward(ps, ids().get(new NDIndex(":, :4")), cache, false);
    float[] step5 = model.forward(ps, ids().get(new NDIndex(":, 4:5")), cache, false).get(0).toFloatArray();
    float[] step6 = model.lastLogits(ps, ids().get(new NDIndex(":, 5:6")), cache).toFloatArray();
    int vocab = model.config().vocabSize();
    float[] expected5 = new float[2 * vocab];
    float[] expected6 = new float[2 * vocab];
    for (int row = 0; row < 2; row++) {
      System.arraycopy(unprepared, (row * 6 + 4) * vocab, expected5, row * vocab, vocab);
      System.arraycopy(unprepared, (row * 6 + 5) * vocab, expected6, row * vocab, vocab);
    }
    LlamaModelTest.assertClose(step5, expected5, 1e-5f);
    LlamaModelTest.assertClose(step6, expected6, 1e-5f);

    model.prepareForInference(); // once only
    LlamaModelTest.assertClose(logits(model), unprepared, 1e-5f);
    assertThat(model.parametersByName().get("model.layers.0.mlp.up_proj.weight").getArray().isReleased())
        .as("the fused weights are no second copy").isTrue();
    assertThatThrownBy(() -> model.forward(ps, ids(), null, true))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("prepared for inference");
    assertThatThrownBy(() -> LlamaCheckpoint.save(model, dir.resolve("prepared")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("serving model");
  }

  @Test
  void saveThenLoad_roundTripsExactly_withPeftNamesAndShapes() throws Exception {
    LlamaModel model = LlamaCheckpoint.load(reference, manager, LoraAdapter.config(reference.resolve("adapter")));
    LoraAdapter.load(model, reference.resolve("adapter"), manager);
    LoraAdapter.save(model, dir.resolve("a"), "reference");
    SafetensorsFile f = SafetensorsFile.open(dir.resolve("a").resolve(LoraAdapter.WEIGHTS));
    assertThat(f.tensors()).hasSize(8);
    assertThat(f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape()).containsExactly(4, 16);
    assertThat(f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").shape()).containsExactly(16, 4);
    assertThat(f.info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape()).containsExactly(8, 4);
    JsonNode cfg = new ObjectMapper().readTree(dir.resolve("a").resolve(LoraAdapter.CONFIG).toFile());
    assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(cfg.get("task_type").asText()).isEqualTo("CAUSAL_LM");

    LlamaModel back = LlamaCheckpoint.load(reference, manager, LoraAdapter.config(dir.resolve("a")));
    LoraAdapter.load(back, dir.resolve("a"), manager);
    for (String name : model.parametersByName().keySet()) {
      assertThat(back.parametersByName().get(name).getArray().toFloatArray()).as(name)
          .containsExactly(model.parametersByName().get(name).getArray().toFloatArray());
    }
    // the base checkpoint written by a LoRA model holds no adapter tensors
    LlamaCheckpoint.save(model, dir.resolve("base"));
    assertThat(SafetensorsFile.open(dir.resolve("base").resolve(LlamaCheckpoint.WEIGHTS)).tensors().keySet())
        .noneMatch(n -> n.contains("lora_"));
  }

  @Test
  void freezeBase_leavesOnlyTheAdapterTrainable() {
    LlamaModel model = LlamaCheckpoint.load(reference, manager, LoraConfig.bigrec());
    model.freezeBase();
    model.parametersByName().forEach((name, p) ->
        assertThat(p.requiresGradient()).as(name).isEqualTo(name.contains(".lora_")));
  }

  @Test
  void mismatchedAdapter_isRefusedNamingTheFile() throws Exception {
    LlamaModel model = LlamaCheckpoint.load(reference, manager, LoraConfig.bigrec());
    assertThatThrownBy(() -> LoraAdapter.load(model, reference.resolve("adapter"), manager))
        .isInstanceOf(ArtifactException.class).hasMessageContaining("adapter_config.json")
        .hasMessageContaining("differs from the model's");
    Path bad = dir.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve(LoraAdapter.CONFIG), "{\"peft_type\":\"LORA\",\"r\":0,\"lora_alpha\":16,"
        + "\"target_modules\":[\"q_proj\"]}");
    assertThatThrownBy(() -> LoraAdapter.config(bad)).hasMessageContaining("LoRA rank r must be >= 1");
    Files.writeString(bad.resolve(LoraAdapter.CONFIG), "{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":16,"
        + "\"target_modules\":[\"c_attn\"]}");
    assertThatThrownBy(() -> LoraAdapter.config(bad)).hasMessageContaining("target_modules [c_attn]");
  }
}
