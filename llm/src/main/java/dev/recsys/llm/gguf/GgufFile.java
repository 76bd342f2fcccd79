package dev.recsys.llm.gguf;

import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (llama.cpp's model format, versions 2 and 3; spec: ggml's docs/gguf.md): the
 * header, the typed metadata, the tensor directory and the tensors, decoded to floats on demand.
 * Everything is checked against the file's length, so a truncated or altered file is refused with
 * the file and the problem named, never read past its end.
 */
public final class GgufFile {
  static final int MAGIC = 0x46554747; // "GGUF" little-endian
  static final int DEFAULT_ALIGNMENT = 32;

  /** One tensor: its name, ggml dims (dims[0] varies fastest), type and offset in the data section. */
  public record TensorInfo(String name, long[] dims, GgmlType type, long offset) {
    public long count() {
      long n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    /** The same shape in row-major order (as Hugging Face and safetensors write it). */
    public long[] rowMajorShape() {
      long[] s = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        s[i] = dims[dims.length - 1 - i];
      }
      return s;
    }
  }

  private final Path file;
  private final int version;
  private final Map<String, Object> metadata;
  private final Map<String, TensorInfo> tensors;
  private final MappedByteBuffer map;
  private final long dataStart;

  private GgufFile(Path file, int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors,
      MappedByteBuffer map, long dataStart) {
    this.file = file;
    this.version = version;
    this.metadata = metadata;
    this.tensors = tensors;
    this.map = map;
    this.dataStart = dataStart;
  }

  /** Reads the header, metadata and tensor directory, and checks every tensor lies inside the file. */
  public static GgufFile open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ArtifactException(file, "missing");
    }
    MappedByteBuffer map;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        throw new ArtifactException(file, "larger than 2 GiB; this reader maps one buffer");
      }
      map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot be read: " + e.getMessage());
    }
    ByteBuffer b = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    try {
      if (b.remaining() < 4 || b.getInt() != MAGIC) {
        throw new ArtifactException(file, "not a GGUF file (no 'GGUF' magic at the start)");
      }
      int version = b.getInt();
      if (version != 2 && version != 3) {
        throw new ArtifactException(file, "GGUF version " + version + " is not supported (2 or 3)");
      }
      long tensorCount = b.getLong();
      long kvCount = b.getLong();
      if (tensorCount < 0 || tensorCount > 1_000_000 || kvCount < 0 || kvCount > 1_000_000) {
        throw new ArtifactException(file, "implausible header: " + tensorCount + " tensors, " + kvCount
            + " metadata entries");
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        String key = string(b, file);
        meta.put(key, value(b, b.getInt(), file, key));
      }
      Map<String, TensorInfo> infos = new LinkedHashMap<>();
      for (long i = 0; i < tensorCount; i++) {
        String name = string(b, file);
        int nd = b.getInt();
        if (nd < 1 || nd > 4) {
          throw new ArtifactException(file, "tensor " + name + " has " + nd + " dimensions (1 to 4 allowed)");
        }
        long[] dims = new long[nd];
        for (int d = 0; d < nd; d++) {
          dims[d] = b.getLong();
          if (dims[d] <= 0) {
            throw new ArtifactException(file, "tensor " + name + " has dimension " + dims[d]);
          }
        }
        int typeId = b.getInt();
        GgmlType type = GgmlType.of(typeId);
        if (type == null) {
          throw new ArtifactException(file, "tensor " + name + " has ggml type " + typeId
              + ", which this reader does not decode (it decodes " + Arrays.toString(GgmlType.values()) + ")");
        }
        TensorInfo info = new TensorInfo(name, dims, type, b.getLong());
        if (info.count() % type.blockSize != 0) {
          throw new ArtifactException(file, "tensor " + name + " has " + info.count() + " values, not a whole number"
              + " of " + type + " blocks");
        }
        if (infos.put(name, info) != null) {
          throw new ArtifactException(file, "tensor " + name + " is listed twice");
        }
      }
      long alignment = meta.get("general.alignment") instanceof Number n ? n.longValue() : DEFAULT_ALIGNMENT;
      long dataStart = (b.position() + alignment - 1) / alignment * alignment;
      for (TensorInfo t : infos.values()) {
        long end = dataStart + t.offset() + t.type().bytes(t.count());
        if (t.offset() < 0 || end > map.capacity()) {
          throw new ArtifactException(file, "truncated: tensor " + t.name() + " ends at byte " + end
              + " but the file has " + map.capacity());
        }
      }
      return new GgufFile(file, version, Collections.unmodifiableMap(meta), Collections.unmodifiableMap(infos), map,
          dataStart);
    } catch (BufferUnderflowException e) {
      throw new ArtifactException(file, "truncated: the header ends before its metadata and tensor directory do");
    }
  }

  public Path file() {
    return file;
  }

  public int version() {
    return version;
  }

  public Map<String, Object> metadata() {
    return metadata;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** A required string value. */
  public String string(String key) {
    return required(key, String.class);
  }

  /** A required integer value (any of GGUF's integer types). */
  public long integer(String key) {
    Object v = metadata.get(key);
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw new ArtifactException(file, "metadata '" + key + "' " + (v == null ? "is missing" : "is not an integer"));
  }

  /** A required floating-point value. */
  public double real(String key) {
    Object v = metadata.get(key);
    if (v instanceof Float || v instanceof Double) {
      return ((Number) v).doubleValue();
    }
    throw new ArtifactException(file, "metadata '" + key + "' " + (v == null ? "is missing" : "is not a number"));
  }

  /** A required array value. */
  public List<?> array(String key) {
    return required(key, List.class);
  }

  /** The tensor decoded to floats, in row-major order of {@link TensorInfo#rowMajorShape()}. */
  public float[] floats(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new ArtifactException(file, "tensor " + name + " is missing");
    }
    float[] out = new float[Math.toIntExact(t.count())];
    ByteBuffer b = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.position(Math.toIntExact(dataStart + t.offset()));
    t.type().decode(b, out);
    for (float x : out) {
      if (!Float.isFinite(x)) {
        throw new ArtifactException(file, "tensor " + name + " holds a non-finite value");
      }
    }
    return out;
  }

  private <T> T required(String key, Class<T> type) {
    Object v = metadata.get(key);
    if (!type.isInstance(v)) {
      throw new ArtifactException(file, "metadata '" + key + "' " + (v == null ? "is missing"
          : "is a " + v.getClass().getSimpleName() + ", not a " + type.getSimpleName()));
    }
    return type.cast(v);
  }

  private static String string(ByteBuffer b, Path file) {
    long n = b.getLong();
    if (n < 0 || n > b.remaining()) {
      throw new ArtifactException(file, "truncated: a string of " + n + " bytes at byte " + (b.position() - 8)
          + " runs past the end");
    }
    byte[] bytes = new byte[(int) n];
    b.get(bytes);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ArtifactException(file, "a string at byte " + (b.position() - n) + " is not UTF-8");
    }
  }

  private static Object value(ByteBuffer b, int type, Path file, String key) {
    return switch (type) {
      case 0 -> (long) (b.get() & 0xff);
      case 1 -> (long) b.get();
      case 2 -> (long) (b.getShort() & 0xffff);
      case 3 -> (long) b.getShort();
      case 4 -> b.getInt() & 0xffffffffL;
      case 5 -> (long) b.getInt();
      case 6 -> Double.parseDouble(Float.toString(b.getFloat())); // 1e-5f reads as 1e-5, as config.json has it
      case 7 -> b.get() != 0;
      case 8 -> string(b, file);
      case 9 -> {
        int elementType = b.getInt();
        long n = b.getLong();
        if (n < 0 || n > b.remaining()) {
          throw new ArtifactException(file, "truncated: metadata '" + key + "', an array of " + n
              + " elements, runs past the end");
        }
        List<Object> list = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
          list.add(value(b, elementType, file, key));
        }
        yield Collections.unmodifiableList(list);
      }
      case 10, 11 -> b.getLong();
      case 12 -> b.getDouble();
      default -> throw new ArtifactException(file, "metadata '" + key + "' has unknown value type " + type);
    };
  }
}
