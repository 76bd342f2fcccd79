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
 * A Hugging Face checkpoint folder: {@code config.json} + {@code model.safetensors} with Hugging
 * Face tensor names, as Triton's vLLM and Python backends (and {@code transformers}) read it.
 */
public final class LlamaCheckpoint {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";

  private LlamaCheckpoint() {}

  /**
   * Loads a checkpoint into a new model whose parameters live in {@code manager}.
   *
   * @throws ArtifactException naming the file when config and weights disagree: a missing or
   *     unexpected tensor, a shape that differs from the configuration's
   */
  public static LlamaModel load(Path dir, NDManager manager) {
    return load(dir, manager, null);
  }

  /**
   * Loads the base weights into a model that also carries LoRA parameters ({@code lora} not null);
   * those are then initialised (B = 0) or loaded with {@link LoraAdapter#load}.
   */
  public static LlamaModel load(Path dir, NDManager manager, LoraConfig lora) {
    LlamaConfig config = LlamaConfig.read(dir.resolve(CONFIG));
    Path weightsFile = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(weightsFile)) {
      throw new ArtifactException(weightsFile, "missing; a checkpoint folder holds config.json and model.safetensors");
    }
    SafetensorsFile weights = SafetensorsFile.open(weightsFile);
    Map<String, Shape> expected = LlamaModel.tensorShapes(config);
    Set<String> unexpected = new TreeSet<>(weights.tensors().keySet());
    unexpected.removeAll(expected.keySet());
    unexpected.removeIf(n -> n.endsWith("rotary_emb.inv_freq")); // a buffer some exporters keep
    if (!unexpected.isEmpty()) {
      throw new ArtifactException(weightsFile, "tensors " + unexpected + " do not belong to the architecture in "
          + CONFIG + " (layers=" + config.numHiddenLayers() + ", tie_word_embeddings=" + config.tieWordEmbeddings() + ")");
    }
    LlamaModel model = new LlamaModel(config, lora);
    for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
      String name = e.getKey();
      if (name.contains(".lora_")) {
        e.getValue().initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
        continue;
      }
      if (!weights.tensors().containsKey(name)) {
        throw new ArtifactException(weightsFile, "tensor " + name + " is missing (required by " + CONFIG + ")");
      }
      TensorInfo info = weights.info(name);
      Shape want = expected.get(name);
      if (!Arrays.equals(info.shape(), want.getShape())) {
        throw new ArtifactException(weightsFile, "tensor " + name + " has shape " + Arrays.toString(info.shape())
            + " but " + CONFIG + " implies " + want);
      }
      FloatTensor t = weights.floats(name);
      NDArray array = manager.create(t.data(), want);
      e.getValue().setShape(null);
      e.getValue().setArray(array);
    }
    return model;
  }

  /** Writes config.json and model.safetensors (float32) into {@code dir}. */
  public static void save(LlamaModel model, Path dir) throws IOException {
    if (model.loraMerged() || model.preparedForInference()) {
      throw new IllegalStateException("cannot save " + dir + " as a base checkpoint: it is a serving model (its LoRA "
          + "adapter merged into the weights, or its projections fused); save the model as loaded for training");
    }
    Files.createDirectories(dir);
    model.config().write(dir.resolve(CONFIG));
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
      if (e.getKey().contains(".lora_")) {
        continue; // adapters are saved on their own (LoraAdapter), never merged into the base
      }
      NDArray a = e.getValue().getArray();
      tensors.put(e.getKey(), new FloatTensor(a.getShape().getShape(), a.toFloatArray()));
    }
    SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"), DType.F32);
  }
}
