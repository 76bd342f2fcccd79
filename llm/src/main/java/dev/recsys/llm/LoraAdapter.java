package dev.recsys.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.safetensors.DType;
import dev.recsys.llm.safetensors.FloatTensor;
import dev.recsys.llm.safetensors.SafetensorsFile;
import dev.recsys.llm.safetensors.SafetensorsWriter;
import dev.recsys.llm.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LoRA adapter folder in the PEFT format: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with PEFT tensor names
 * ({@code base_model.model.<module>.lora_A.weight}, {@code ...lora_B.weight}), as vLLM's
 * multi-LoRA serving and {@code peft} load it.
 */
public final class LoraAdapter {
  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";
  static final String PEFT_PREFIX = "base_model.model.";

  private LoraAdapter() {}

  /** The adapter's configuration, without loading weights. */
  public static LoraConfig config(Path dir) {
    return LoraConfig.read(dir.resolve(CONFIG));
  }

  /** Writes the model's LoRA matrices with PEFT names. */
  public static void save(LlamaModel model, Path dir, String baseModel) throws IOException {
    if (model.lora() == null) {
      throw new IllegalArgumentException("the model has no LoRA adapter to save");
    }
    Files.createDirectories(dir);
    model.lora().write(dir.resolve(CONFIG), baseModel);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
      if (e.getKey().contains(".lora_")) {
        NDArray a = e.getValue().getArray();
        tensors.put(PEFT_PREFIX + e.getKey(), new FloatTensor(a.getShape().getShape(), a.toFloatArray()));
      }
    }
    SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"), DType.F32);
  }

  /**
   * Loads the adapter's matrices into a model built with the same LoRA configuration.
   *
   * @throws ArtifactException naming the file when a tensor is missing, unexpected or misshapen
   */
  public static void load(LlamaModel model, Path dir, NDManager manager) {
    Path file = dir.resolve(WEIGHTS);
    LoraConfig config = config(dir);
    if (!config.equals(model.lora())) {
      throw new ArtifactException(dir.resolve(CONFIG), "adapter configuration " + config
          + " differs from the model's " + model.lora());
    }
    if (!Files.isRegularFile(file)) {
      throw new ArtifactException(file, "missing; an adapter folder holds " + CONFIG + " and " + WEIGHTS);
    }
    SafetensorsFile weights = SafetensorsFile.open(file);
    Map<String, Shape> expected = LlamaModel.loraShapes(model.config(), config);
    Set<String> unexpected = new TreeSet<>(weights.tensors().keySet());
    expected.keySet().forEach(n -> unexpected.remove(PEFT_PREFIX + n));
    if (!unexpected.isEmpty()) {
      throw new ArtifactException(file, "tensors " + unexpected + " do not belong to an adapter with target_modules "
          + config.targetModules() + " on " + model.config().numHiddenLayers() + " layers");
    }
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      String peftName = PEFT_PREFIX + e.getKey();
      if (!weights.tensors().containsKey(peftName)) {
        throw new ArtifactException(file, "tensor " + peftName + " is missing");
      }
      TensorInfo info = weights.info(peftName);
      if (!Arrays.equals(info.shape(), e.getValue().getShape())) {
        throw new ArtifactException(file, "tensor " + peftName + " has shape " + Arrays.toString(info.shape())
            + ", expected " + e.getValue() + " for r=" + config.r() + " on this base model");
      }
      Parameter p = model.parametersByName().get(e.getKey());
      if (p.isInitialized()) {
        p.close();
      }
      p.setShape(null);
      p.setArray(manager.create(weights.floats(peftName).data(), e.getValue()));
    }
  }
}
