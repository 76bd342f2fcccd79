package dev.recsys.generator.triton;

import com.google.protobuf.ByteString;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.safetensors.FloatTensor;
import dev.recsys.llm.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter in the form TensorRT-LLM's Triton backend takes per request: a task id, and
 * (on first use, or when the server evicted the task) the weights and their layout.
 *
 * <ul>
 *   <li>{@code lora_weights} [1, modules x layers, D*Hi + Ho*D] (FP16): per row the module's A
 *       ([D, Hi], row-major) then B ([Ho, D]) multiplied by alpha/r (TensorRT-LLM applies no
 *       scale of its own), rows zero-padded to the longest;</li>
 *   <li>{@code lora_config} [1, modules x layers, 3] (INT32): module id, layer, rank D per row;
 *       module ids as in TensorRT-LLM's LoRA documentation (attn_q 1, attn_k 2, attn_v 3,
 *       attn_dense 4, mlp_h_to_4h 5 = gate_proj, mlp_4h_to_h 6 = down_proj, mlp_gate 7 = up_proj);</li>
 *   <li>{@code lora_task_id}: a stable 63-bit hash of the adapter's LoRA name
 *       ({@code <tenant>--<release>}), so every generator replica names an adapter alike and two
 *       adapters never share an id.</li>
 * </ul>
 */
public record TensorRtLlmLora(String loraName, long taskId, int rows, int rowSize, ByteString weightsFp16,
    ByteString config) {
  /** Hugging Face module name to TensorRT-LLM module id. */
  static final Map<String, Integer> MODULE_IDS = Map.of("q_proj", 1, "k_proj", 2, "v_proj", 3, "o_proj", 4,
      "gate_proj", 5, "down_proj", 6, "up_proj", 7);
  private static final Pattern NAME =
      Pattern.compile(".*\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+)\\.lora_A\\.weight");

  /**
   * Converts an adapter folder.
   *
   * @throws ArtifactException naming the file when a module is not one TensorRT-LLM adapts, or a
   *     matrix is missing or misshapen
   */
  public static TensorRtLlmLora fromPeft(Path adapterDir, String loraName) {
    LoraConfig config = LoraAdapter.config(adapterDir);
    Path file = adapterDir.resolve(LoraAdapter.WEIGHTS);
    SafetensorsFile st = SafetensorsFile.open(file);
    record Row(int layer, int module, float[] a, float[] b) {}
    List<Row> rows = new ArrayList<>();
    for (String name : st.tensors().keySet()) {
      Matcher m = NAME.matcher(name);
      if (!m.matches()) {
        continue;
      }
      Integer module = MODULE_IDS.get(m.group(3));
      if (module == null) {
        throw new ArtifactException(file, "module " + m.group(3) + " has no TensorRT-LLM LoRA module id");
      }
      String bName = name.replace(".lora_A.", ".lora_B.");
      if (!st.tensors().containsKey(bName)) {
        throw new ArtifactException(file, "tensor " + bName + " is missing (its lora_A is there)");
      }
      FloatTensor a = st.floats(name);
      FloatTensor b = st.floats(bName);
      if (a.shape().length != 2 || b.shape().length != 2 || a.shape()[0] != config.r() || b.shape()[1] != config.r()) {
        throw new ArtifactException(file, name + " / " + bName + " must be [r, in] / [out, r] with r=" + config.r());
      }
      float[] scaled = b.data(); // a fresh array per read: scaled in place
      for (int i = 0; i < scaled.length; i++) {
        scaled[i] *= (float) config.scale();
      }
      rows.add(new Row(Integer.parseInt(m.group(1)), module, a.data(), scaled));
    }
    if (rows.isEmpty()) {
      throw new ArtifactException(file, "no lora_A/lora_B matrices found");
    }
    rows.sort(Comparator.comparingInt(Row::layer).thenComparingInt(Row::module));
    int rowSize = rows.stream().mapToInt(r -> r.a().length + r.b().length).max().orElseThrow();
    ByteBuffer w = ByteBuffer.allocate(rows.size() * rowSize * 2).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer c = ByteBuffer.allocate(rows.size() * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (Row r : rows) {
      int start = w.position();
      for (float f : r.a()) {
        w.putShort(Float.floatToFloat16(f));
      }
      for (float f : r.b()) {
        w.putShort(Float.floatToFloat16(f));
      }
      w.position(start + rowSize * 2); // zero padding
      c.putInt(r.module()).putInt(r.layer()).putInt(config.r());
    }
    return new TensorRtLlmLora(loraName, taskId(loraName), rows.size(), rowSize, ByteString.copyFrom(w.array()),
        ByteString.copyFrom(c.array()));
  }

  /** A positive id derived from the LoRA name (SHA-256, first 8 bytes, sign bit cleared). */
  public static long taskId(String loraName) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(loraName.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(h).getLong() & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
