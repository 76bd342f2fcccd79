package dev.recsys.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A LoRA adapter's hyper-parameters, read from and written to PEFT's {@code adapter_config.json}.
 * A target module's output becomes {@code W x + (alpha / r) * B A dropout(x)} with A: [r, in],
 * B: [out, r]; B starts at zero, so a fresh adapter leaves the base model unchanged.
 *
 * @param r             rank
 * @param alpha         lora_alpha (the update is scaled by alpha / r)
 * @param dropout       lora_dropout on the adapter's input while training
 * @param targetModules module names, e.g. {@code q_proj}, {@code v_proj}
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {
  /** The projections a Llama layer has; LoRA may target any of them. */
  public static final Set<String> MODULES = Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
      "down_proj");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LoraConfig {
    if (r < 1) {
      throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("lora_alpha must be > 0, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
    }
    if (targetModules.isEmpty() || !MODULES.containsAll(targetModules)) {
      throw new IllegalArgumentException("target_modules " + targetModules + " must be a non-empty subset of " + MODULES);
    }
    targetModules = List.copyOf(targetModules);
  }

  /** BIGRec's adapter: r=8, alpha=16, dropout 0.05 on q_proj and v_proj. */
  public static LoraConfig bigrec() {
    return new LoraConfig(8, 16, 0.05, List.of("q_proj", "v_proj"));
  }

  public double scale() {
    return alpha / r;
  }

  public static LoraConfig read(Path file) {
    try {
      JsonNode n = JSON.readTree(file.toFile());
      String type = n.path("peft_type").asText("LORA");
      if (!type.equals("LORA")) {
        throw new ArtifactException(file, "peft_type '" + type + "' is not supported (only LORA)");
      }
      if (n.path("fan_in_fan_out").asBoolean(false)) {
        throw new ArtifactException(file, "fan_in_fan_out adapters (GPT-2 style Conv1D) do not apply to Llama");
      }
      List<String> targets = new ArrayList<>();
      n.path("target_modules").forEach(t -> targets.add(t.asText()));
      return new LoraConfig(n.path("r").asInt(), n.path("lora_alpha").asDouble(), n.path("lora_dropout").asDouble(0),
          targets);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read adapter_config.json: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  public void write(Path file, String baseModel) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("peft_type", "LORA");
    n.put("task_type", "CAUSAL_LM");
    n.put("r", r);
    n.put("lora_alpha", alpha);
    n.put("lora_dropout", dropout);
    targetModules.forEach(n.putArray("target_modules")::add);
    n.put("bias", "none");
    n.put("fan_in_fan_out", false);
    n.put("inference_mode", true);
    n.putNull("modules_to_save");
    n.put("base_model_name_or_path", baseModel);
    JSON.writeValue(file.toFile(), n);
  }
}
