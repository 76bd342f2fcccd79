package dev.recsys.llm.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a file in the safetensors format (Hugging Face): an unsigned 64-bit little-endian header
 * length N, N bytes of JSON mapping each tensor name to {@code {dtype, shape, data_offsets}} (plus
 * an optional {@code __metadata__} string map), then the data section, little-endian.
 *
 * <p>The whole file is validated when opened; every problem is an {@link ArtifactException}
 * naming the file and what is wrong: a header longer than the file, malformed JSON, an unknown
 * dtype, a shape whose size disagrees with its byte range, ranges out of bounds, overlapping or
 * leaving holes.
 */
public final class SafetensorsFile {
  /** Headers above this size are refused (the format's reference implementation uses 100 MB). */
  static final long MAX_HEADER = 100L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;
  private final ByteBuffer data;

  private SafetensorsFile(Path file, Map<String, TensorInfo> tensors, Map<String, String> metadata, ByteBuffer data) {
    this.file = file;
    this.tensors = tensors;
    this.metadata = metadata;
    this.data = data;
  }

  public static SafetensorsFile open(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new ArtifactException(file, "not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(lenBuf, 0);
      long n = lenBuf.flip().getLong();
      if (n < 2 || n > MAX_HEADER || 8 + n > size) {
        throw new ArtifactException(file, "header length " + Long.toUnsignedString(n) + " is impossible for a file of "
            + size + " bytes; the file is truncated or not safetensors");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
      ch.read(headerBuf, 8);
      String header = new String(headerBuf.array(), StandardCharsets.UTF_8);
      long dataLen = size - 8 - n;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = parseHeader(file, header, dataLen, metadata);
      ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, 8 + n, dataLen).order(ByteOrder.LITTLE_ENDIAN);
      return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata), data);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read: " + e.getMessage());
    }
  }

  private static Map<String, TensorInfo> parseHeader(Path file, String header, long dataLen, Map<String, String> metadata) {
    JsonNode root;
    try {
      root = JSON.readTree(header);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ArtifactException(file, "header is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ArtifactException(file, "header cannot be parsed: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ArtifactException(file, "header must be a JSON object");
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        if (!e.getValue().isObject()) {
          throw new ArtifactException(file, "__metadata__ must be an object of strings");
        }
        e.getValue().fields().forEachRemaining(m -> {
          if (!m.getValue().isTextual()) {
            throw new ArtifactException(file, "__metadata__." + m.getKey() + " must be a string");
          }
          metadata.put(m.getKey(), m.getValue().asText());
        });
        continue;
      }
      tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue()));
    }
    List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    for (TensorInfo t : byOffset) {
      if (t.begin() != expected) {
        throw new ArtifactException(file, "tensor " + t.name() + " starts at byte " + t.begin() + " but the previous "
            + "tensor ends at " + expected + " (" + (t.begin() < expected ? "overlap" : "hole") + " in the data section)");
      }
      long bytes = Math.multiplyExact(t.elements(), t.dtype().bytes());
      if (t.end() - t.begin() != bytes) {
        throw new ArtifactException(file, "tensor " + t.name() + " has shape " + java.util.Arrays.toString(t.shape())
            + " of " + t.dtype() + " (" + bytes + " bytes) but its data_offsets span " + (t.end() - t.begin()) + " bytes");
      }
      expected = t.end();
    }
    if (expected != dataLen) {
      throw new ArtifactException(file, "the tensors cover " + expected + " bytes of a " + dataLen
          + "-byte data section; the file is truncated or has trailing bytes");
    }
    return tensors;
  }

  private static TensorInfo tensor(Path file, String name, JsonNode node) {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null || shape == null || offsets == null || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new ArtifactException(file, "tensor " + name + ": needs dtype, shape (array) and data_offsets ([begin, end])");
    }
    DType type;
    try {
      type = DType.valueOf(dtype.asText());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, "tensor " + name + ": unknown dtype '" + dtype.asText() + "'");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
        throw new ArtifactException(file, "tensor " + name + ": shape " + shape + " must hold non-negative integers");
      }
      dims[i] = shape.get(i).asLong();
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    if (begin < 0 || end < begin) {
      throw new ArtifactException(file, "tensor " + name + ": data_offsets " + offsets + " are not 0 <= begin <= end");
    }
    return new TensorInfo(name, type, dims, begin, end);
  }

  public Path file() {
    return file;
  }

  /** Tensors in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new ArtifactException(file, "has no tensor '" + name + "'");
    }
    return t;
  }

  /** A floating-point tensor converted to float32 (F16 and BF16 exactly, F64 rounded). */
  public FloatTensor floats(String name) {
    TensorInfo t = info(name);
    if (!t.dtype().isFloat()) {
      throw new ArtifactException(file, "tensor " + name + " is " + t.dtype() + ", not a floating-point type");
    }
    int n = Math.toIntExact(t.elements());
    float[] out = new float[n];
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) t.begin()).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case F32 -> b.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) b.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.float16ToFloat(b.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
        }
      }
      default -> throw new IllegalStateException("unreachable: " + t.dtype());
    }
    return new FloatTensor(t.shape(), out);
  }
}
