package dev.recsys.llm.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A test double's writer: small GGUF v3 files with F32, Q8_0 or Q4_1 tensors, as llama.cpp lays them out. */
final class GgufWriter {
  record Tensor(String name, long[] dims, GgmlType type, byte[] data) {}

  private final Map<String, Object> meta = new LinkedHashMap<>();
  private final List<Tensor> tensors = new java.util.ArrayList<>();

  GgufWriter put(String key, Object value) {
    meta.put(key, value);
    return this;
  }

  /** A float32 tensor with row-major {@code shape} (written with ggml's reversed dims). */
  GgufWriter f32(String name, float[] data, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return raw(name, GgmlType.F32, b.array(), shape);
  }

  GgufWriter raw(String name, GgmlType type, byte[] data, long... shape) {
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[shape.length - 1 - i];
    }
    tensors.add(new Tensor(name, dims, type, data));
    return this;
  }

  void write(Path file) throws IOException {
    Out o = new Out();
    o.i32(GgufFile.MAGIC);
    o.i32(3);
    o.i64(tensors.size());
    o.i64(meta.size());
    meta.forEach((k, v) -> {
      o.str(k);
      o.value(v);
    });
    long offset = 0;
    for (Tensor t : tensors) {
      o.str(t.name());
      o.i32(t.dims().length);
      for (long d : t.dims()) {
        o.i64(d);
      }
      o.i32(t.type().id);
      o.i64(offset);
      offset += align(t.data().length);
    }
    while (o.size() % 32 != 0) {
      o.write(0);
    }
    for (Tensor t : tensors) {
      o.write(t.data(), 0, t.data().length);
      for (long i = t.data().length; i < align(t.data().length); i++) {
        o.write(0);
      }
    }
    Files.write(file, o.toByteArray());
  }

  private static long align(long n) {
    return (n + 31) / 32 * 32;
  }

  private static final class Out extends ByteArrayOutputStream {
    void i32(int v) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
      write(b.array(), 0, 4);
    }

    void i64(long v) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
      write(b.array(), 0, 8);
    }

    void str(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      i64(bytes.length);
      write(bytes, 0, bytes.length);
    }

    void value(Object v) {
      switch (v) {
        case String s -> {
          i32(8);
          str(s);
        }
        case Integer i -> {
          i32(4); // uint32
          i32(i);
        }
        case Float f -> {
          i32(6);
          i32(Float.floatToIntBits(f));
        }
        case List<?> list -> {
          i32(9);
          boolean strings = !list.isEmpty() && list.get(0) instanceof String;
          i32(strings ? 8 : 5);
          i64(list.size());
          for (Object e : list) {
            if (strings) {
              str((String) e);
            } else {
              i32((Integer) e);
            }
          }
        }
        default -> throw new IllegalArgumentException("no GGUF value for " + v);
      }
    }
  }
}
