package dev.recsys.generator.triton;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Triton's wire form of a BYTES tensor in {@code raw_input_contents}/{@code raw_output_contents}:
 * per element a 4-byte little-endian length, then the element's bytes; elements row-major.
 */
public final class BytesTensor {
  private BytesTensor() {}

  public static ByteString encode(List<String> elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String e : elements) {
      byte[] b = e.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
      out.writeBytes(b);
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  /** @throws IllegalArgumentException when a length runs past the end (a truncated or non-BYTES tensor) */
  public static List<String> decode(ByteString raw) {
    ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<String> out = new ArrayList<>();
    while (buf.hasRemaining()) {
      if (buf.remaining() < 4) {
        throw new IllegalArgumentException("BYTES tensor: " + buf.remaining() + " trailing bytes, no room for a length");
      }
      int n = buf.getInt();
      if (n < 0 || n > buf.remaining()) {
        throw new IllegalArgumentException("BYTES tensor: element length " + n + " but " + buf.remaining()
            + " bytes remain");
      }
      byte[] b = new byte[n];
      buf.get(b);
      out.add(new String(b, StandardCharsets.UTF_8));
    }
    return out;
  }
}
