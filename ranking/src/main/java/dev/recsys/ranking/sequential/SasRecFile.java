package dev.recsys.ranking.sequential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.Checksums;
import dev.recsys.llm.safetensors.DType;
import dev.recsys.llm.safetensors.FloatTensor;
import dev.recsys.llm.safetensors.SafetensorsFile;
import dev.recsys.llm.safetensors.SafetensorsWriter;
import dev.recsys.llm.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A trained SASRec model on disk: one safetensors file (float32 weights under the names of
 * {@link SasRecModel#tensorShapes}) whose metadata carries
 * <ul>
 *   <li>{@code format} = {@value #FORMAT} and {@code format_version} = {@value #FORMAT_VERSION};</li>
 *   <li>the configuration ({@code items}, {@code max_length}, {@code hidden}, {@code blocks},
 *       {@code heads}, {@code dropout});</li>
 *   <li>{@code catalogue_sha256}: the SHA-256 of the catalogue's item ids in row order, one per
 *       line, so that a model is never used with a catalogue whose rows mean other items.</li>
 * </ul>
 * Reading refuses, naming the file, a wrong format or version, a missing or unexpected tensor, a
 * shape the configuration does not imply, and a catalogue other than the one it was trained on.
 */
public final class SasRecFile {
  public static final String FORMAT = "recsys-sasrec";
  public static final int FORMAT_VERSION = 1;

  private SasRecFile() {}

  /** The identity of a catalogue's row order: SHA-256 of its item ids, one per line. */
  public static String fingerprint(List<String> itemIds) {
    return Checksums.sha256((String.join("\n", itemIds) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the model's weights and configuration, bound to {@code itemIds} (the catalogue's rows). */
  public static void write(SasRecModel model, List<String> itemIds, Path file) throws IOException {
    SasRecConfig c = model.config();
    if (itemIds.size() != c.items()) {
      throw new IllegalArgumentException("the model scores " + c.items() + " items but the catalogue has "
          + itemIds.size());
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("format_version", Integer.toString(FORMAT_VERSION));
    meta.put("items", Integer.toString(c.items()));
    meta.put("max_length", Integer.toString(c.maxLength()));
    meta.put("hidden", Integer.toString(c.hidden()));
    meta.put("blocks", Integer.toString(c.blocks()));
    meta.put("heads", Integer.toString(c.heads()));
    meta.put("dropout", Double.toString(c.dropout()));
    meta.put("catalogue_sha256", fingerprint(itemIds));
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
      NDArray a = e.getValue().getArray();
      tensors.put(e.getKey(), new FloatTensor(a.getShape().getShape(), a.toFloatArray()));
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    SafetensorsWriter.write(file, tensors, meta, DType.F32);
  }

  /**
   * Loads a model into {@code manager}, checking it against the catalogue it will score.
   *
   * @param itemIds the catalogue's item ids in row order
   */
  public static SasRecModel read(Path file, List<String> itemIds, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw new ArtifactException(file, "missing; the release's sequential model (SASRec) is required by its "
          + "serving pipeline");
    }
    SafetensorsFile st = SafetensorsFile.open(file);
    Map<String, String> meta = st.metadata();
    if (!FORMAT.equals(meta.get("format"))) {
      throw new ArtifactException(file, "not a SASRec model: metadata format is '" + meta.get("format")
          + "', expected '" + FORMAT + "'");
    }
    if (!Integer.toString(FORMAT_VERSION).equals(meta.get("format_version"))) {
      throw new ArtifactException(file, "SASRec format version " + meta.get("format_version")
          + " is not supported (expected " + FORMAT_VERSION + ")");
    }
    SasRecConfig config;
    try {
      config = new SasRecConfig(integer(file, meta, "items"), integer(file, meta, "max_length"),
          integer(file, meta, "hidden"), integer(file, meta, "blocks"), integer(file, meta, "heads"),
          Double.parseDouble(require(file, meta, "dropout")));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, "invalid configuration: " + e.getMessage());
    }
    if (config.items() != itemIds.size()) {
      throw new ArtifactException(file, "scores " + config.items() + " items but the catalogue has " + itemIds.size()
          + "; the model was trained for another catalogue");
    }
    if (!fingerprint(itemIds).equals(meta.get("catalogue_sha256"))) {
      throw new ArtifactException(file, "was trained on a catalogue with other item ids or another row order "
          + "(catalogue_sha256 differs)");
    }
    Map<String, Shape> expected = SasRecModel.tensorShapes(config);
    Set<String> unexpected = new TreeSet<>(st.tensors().keySet());
    unexpected.removeAll(expected.keySet());
    if (!unexpected.isEmpty()) {
      throw new ArtifactException(file, "tensors " + unexpected + " do not belong to a SASRec model of "
          + config.blocks() + " blocks");
    }
    SasRecModel model = new SasRecModel(config);
    for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
      String name = e.getKey();
      if (!st.tensors().containsKey(name)) {
        throw new ArtifactException(file, "tensor " + name + " is missing");
      }
      TensorInfo info = st.info(name);
      Shape want = expected.get(name);
      if (!Arrays.equals(info.shape(), want.getShape())) {
        throw new ArtifactException(file, "tensor " + name + " has shape " + Arrays.toString(info.shape())
            + " but the configuration implies " + want);
      }
      FloatTensor t = st.floats(name);
      for (float v : t.data()) {
        if (!Float.isFinite(v)) {
          throw new ArtifactException(file, "tensor " + name + " holds a non-finite value");
        }
      }
      e.getValue().setShape(null);
      e.getValue().setArray(manager.create(t.data(), want));
    }
    return model;
  }

  private static String require(Path file, Map<String, String> meta, String key) {
    String v = meta.get(key);
    if (v == null) {
      throw new ArtifactException(file, "metadata '" + key + "' is missing");
    }
    return v;
  }

  private static int integer(Path file, Map<String, String> meta, String key) {
    String v = require(file, meta, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ArtifactException(file, "metadata '" + key + "' is not an integer: '" + v + "'");
    }
  }
}
