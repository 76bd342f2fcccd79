package dev.recsys.llm.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The GGML tensor types this reader decodes, with ggml's ids and block layouts (ggml-common.h):
 * F32 and F16 plain; Q8_0 blocks of 32 values as one f16 scale d and 32 int8 q (x = d·q); Q4_1
 * blocks of 32 values as f16 d, f16 min m and 16 bytes whose low nibbles are values 0–15 and high
 * nibbles values 16–31 (x = d·q + m).
 */
public enum GgmlType {
  F32(0, 1, 4),
  F16(1, 1, 2),
  Q4_1(3, 32, 20),
  Q8_0(8, 32, 34);

  public final int id;
  /** Values per block. */
  public final int blockSize;
  /** Bytes per block. */
  public final int blockBytes;

  GgmlType(int id, int blockSize, int blockBytes) {
    this.id = id;
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
  }

  /** The type of a ggml id, or null when this reader does not decode it. */
  public static GgmlType of(int id) {
    for (GgmlType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    return null;
  }

  /** Bytes that {@code count} values of this type occupy; count must be a whole number of blocks. */
  public long bytes(long count) {
    return count / blockSize * blockBytes;
  }

  /** Decodes {@code out.length} values starting at {@code data}'s position (which it advances). */
  public void decode(ByteBuffer data, float[] out) {
    ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (this) {
      case F32 -> b.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.float16ToFloat(b.getShort());
        }
      }
      case Q8_0 -> {
        for (int blk = 0; blk < out.length / 32; blk++) {
          float d = Float.float16ToFloat(b.getShort());
          for (int j = 0; j < 32; j++) {
            out[blk * 32 + j] = d * b.get();
          }
        }
      }
      case Q4_1 -> {
        for (int blk = 0; blk < out.length / 32; blk++) {
          float d = Float.float16ToFloat(b.getShort());
          float m = Float.float16ToFloat(b.getShort());
          for (int j = 0; j < 16; j++) {
            int q = b.get() & 0xff;
            out[blk * 32 + j] = d * (q & 0x0f) + m;
            out[blk * 32 + 16 + j] = d * (q >>> 4) + m;
          }
        }
      }
      default -> throw new IllegalStateException(name());
    }
    data.position(data.position() + (int) bytes(out.length));
  }
}
