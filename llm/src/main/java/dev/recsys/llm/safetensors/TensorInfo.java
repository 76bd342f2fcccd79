package dev.recsys.llm.safetensors;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name  tensor name (Hugging Face names, e.g. {@code model.layers.0.self_attn.q_proj.weight})
 * @param dtype element type
 * @param shape dimensions, row-major; empty for a scalar
 * @param begin start of the tensor's bytes, relative to the data section
 * @param end   end (exclusive) of the tensor's bytes, relative to the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
  /** Number of elements: the product of the shape (1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && begin == t.begin && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
  }
}
