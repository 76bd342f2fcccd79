package dev.recsys.generator.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.ReferenceCheckpoint;
import dev.recsys.llm.safetensors.DType;
import dev.recsys.llm.safetensors.FloatTensor;
import dev.recsys.llm.safetensors.SafetensorsFile;
import dev.recsys.llm.safetensors.SafetensorsWriter;
import dev.recsys.proto.inference.ModelInferRequest;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEFT adapter in TensorRT-LLM's per-request form, and the protocol that sends it. */
class TensorRtLlmLoraTest {
  static final String PREFIX = "base_model.model.model.layers.";
  @TempDir Path dir;
  Path adapter;

  @BeforeEach
  void setUp() {
    adapter = ReferenceCheckpoint.copyTo(dir.resolve("reference")).resolve("adapter");
  }

  @Test
  void rowsPerLayerAndModule_AThenScaledB_paddedToTheLongest() {
    // reference adapter: r=4, alpha=8 (scale 2) on q_proj [16 -> 16] and v_proj [16 -> 8], 2 layers
    TensorRtLlmLora lora = TensorRtLlmLora.fromPeft(adapter, "default--r1");
    assertThat(lora.rows()).isEqualTo(4);
    assertThat(lora.rowSize()).isEqualTo(4 * 16 + 16 * 4);
    assertThat(ints(lora.config().toByteArray())).containsExactly(1, 0, 4, 3, 0, 4, 1, 1, 4, 3, 1, 4);

    SafetensorsFile peft = SafetensorsFile.open(adapter.resolve(LoraAdapter.WEIGHTS));
    float[] a = peft.floats(PREFIX + "0.self_attn.v_proj.lora_A.weight").data();
    float[] b = peft.floats(PREFIX + "0.self_attn.v_proj.lora_B.weight").data();
    float[] row = halfs(lora.weightsFp16().toByteArray(), 1 * lora.rowSize(), lora.rowSize()); // layer 0, v_proj
    for (int i = 0; i < a.length; i++) {
      assertThat(row[i]).isCloseTo(a[i], within(Math.abs(a[i]) * 1e-3f + 1e-4f));
    }
    for (int i = 0; i < b.length; i++) {
      assertThat(row[a.length + i]).isCloseTo(2 * b[i], within(Math.abs(2 * b[i]) * 1e-3f + 1e-4f));
    }
    for (int i = a.length + b.length; i < row.length; i++) {
      assertThat(row[i]).as("padding").isZero();
    }
    double bNorm = 0;
    for (int i = a.length; i < a.length + b.length; i++) {
      bNorm += Math.abs(row[i]);
    }
    assertThat(bNorm).as("the reference's B is not zero, so the scaling is checked").isGreaterThan(1e-2);
  }

  @Test
  void taskId_isStablePositiveAndDiffersPerAdapter() {
    long id = TensorRtLlmLora.taskId("default--r1");
    assertThat(id).isPositive().isEqualTo(TensorRtLlmLora.taskId("default--r1"));
    assertThat(TensorRtLlmLora.taskId("default--r2")).isPositive().isNotEqualTo(id);
    assertThat(TensorRtLlmLora.fromPeft(adapter, "acme--r1").taskId()).isEqualTo(TensorRtLlmLora.taskId("acme--r1"));
  }

  @Test
  void adapterWithoutItsB_isRefusedNamingTheFile() throws Exception {
    SafetensorsFile peft = SafetensorsFile.open(adapter.resolve(LoraAdapter.WEIGHTS));
    Map<String, FloatTensor> onlyA = new LinkedHashMap<>();
    for (String name : peft.tensors().keySet()) {
      if (!name.equals(PREFIX + "1.self_attn.q_proj.lora_B.weight")) {
        onlyA.put(name, peft.floats(name));
      }
    }
    Path broken = dir.resolve("broken");
    Files.createDirectories(broken);
    Files.copy(adapter.resolve(LoraAdapter.CONFIG), broken.resolve(LoraAdapter.CONFIG));
    SafetensorsWriter.write(broken.resolve(LoraAdapter.WEIGHTS), onlyA, Map.of(), DType.F32);
    assertThatThrownBy(() -> TensorRtLlmLora.fromPeft(broken, "default--r1"))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining(LoraAdapter.WEIGHTS)
        .hasMessageContaining("1.self_attn.q_proj.lora_B.weight is missing");
  }

  @Test
  void protocol_sendsWeightsOnFirstUse_thenOnlyTheId_andAgainWhenTheServerEvictedThem() {
    TensorRtLlmProtocol protocol = new TensorRtLlmProtocol();
    TensorRtLlmLora lora = TensorRtLlmLora.fromPeft(adapter, "default--r1");
    var g = new TritonClient.Generation("The user watched", 3, 16, 0.0, 0, lora.loraName(), lora);

    assertThat(protocol.needsAdapterWeights(g)).isTrue();
    ModelInferRequest first = encode(protocol, g, true);
    assertThat(first.getInputsList()).extracting(ModelInferRequest.InferInputTensor::getName)
        .contains("text_input", "max_tokens", "beam_width", "lora_task_id", "lora_weights", "lora_config");
    ModelInferRequest.InferInputTensor weights = input(first, "lora_weights");
    assertThat(weights.getDatatype()).isEqualTo("FP16");
    assertThat(weights.getShapeList()).containsExactly(1L, 4L, (long) lora.rowSize());
    assertThat(input(first, "lora_config").getShapeList()).containsExactly(1L, 4L, 3L);
    assertThat(input(first, "beam_width").getShapeList()).containsExactly(1L, 1L);
    assertThat(raw(first, "beam_width").getInt()).isEqualTo(3);
    assertThat(raw(first, "lora_task_id").getLong()).isEqualTo(lora.taskId());
    assertThat(first.getRawInputContentsCount()).isEqualTo(first.getInputsCount());

    protocol.succeeded(g, true);
    assertThat(protocol.needsAdapterWeights(g)).isFalse();
    ModelInferRequest later = encode(protocol, g, false);
    assertThat(later.getInputsList()).extracting(ModelInferRequest.InferInputTensor::getName)
        .contains("lora_task_id").doesNotContain("lora_weights", "lora_config");

    assertThat(protocol.asksForAdapterWeights(Status.INTERNAL.withDescription(
        "model error: LoRA task " + lora.taskId() + " not found in cache. Please send LoRA weights with request")))
        .isTrue();
    assertThat(protocol.asksForAdapterWeights(Status.INTERNAL.withDescription("Cache is full"))).isFalse();
    assertThat(protocol.asksForAdapterWeights(Status.UNAVAILABLE)).isFalse();
    assertThat(protocol.weightsSent()).isEqualTo(1);
    assertThat(protocol.cacheMisses()).isEqualTo(1);
  }

  @Test
  void vllmProtocol_namesTheAdapterInTheSamplingParameters() {
    ModelInferRequest r = encode(new VllmProtocol(), new TritonClient.Generation("p", 2, 8, 0.5, 3, "default--r1"),
        false);
    assertThat(r.getInputsList()).extracting(ModelInferRequest.InferInputTensor::getName)
        .containsExactly("text_input", "stream", "sampling_parameters", "exclude_input_in_output");
    int i = r.getInputsList().stream().map(ModelInferRequest.InferInputTensor::getName).toList()
        .indexOf("sampling_parameters");
    assertThat(BytesTensor.decode(r.getRawInputContents(i))).singleElement().asString()
        .contains("\"n\": 2").contains("\"lora_name\": \"default--r1\"");
  }

  private static ModelInferRequest encode(TritonLlmProtocol protocol, TritonClient.Generation g, boolean weights) {
    ModelInferRequest.Builder b = ModelInferRequest.newBuilder();
    protocol.encode(b, g, weights);
    return b.build();
  }

  private static ModelInferRequest.InferInputTensor input(ModelInferRequest r, String name) {
    return r.getInputsList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
  }

  private static ByteBuffer raw(ModelInferRequest r, String name) {
    List<String> names = r.getInputsList().stream().map(ModelInferRequest.InferInputTensor::getName).toList();
    return r.getRawInputContents(names.indexOf(name)).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int[] ints(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[b.length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.getInt();
    }
    return out;
  }

  private static float[] halfs(byte[] b, int offset, int count) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = Float.float16ToFloat(buf.getShort((offset + i) * 2));
    }
    return out;
  }
}
