package dev.recsys.common.embedding;

import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Binary embedding snapshot. Layout (little-endian):
 *
 * <pre>
 *   bytes 0..7   magic "RSEMBED\0"
 *   int32        format version (1)
 *   int32        rows (items, in catalogue order)
 *   int32        dimension
 *   int32        n = length of the encoder id in UTF-8 bytes, then n bytes
 *   float32 x rows*dimension, row-major
 * </pre>
 *
 * A reader refuses a file whose magic, version, declared sizes or actual length disagree.
 */
public final class SnapshotFile {
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "RSEMBED\0".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ENCODER_ID_BYTES = 1024;

  private SnapshotFile() {}

  public static void write(EmbeddingMatrix m, Path file) throws IOException {
    byte[] encoder = m.encoderId().getBytes(StandardCharsets.UTF_8);
    ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 16 + encoder.length).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(FORMAT_VERSION).putInt(m.rows()).putInt(m.dimension()).putInt(encoder.length).put(encoder);
    header.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      while (header.hasRemaining()) {
        ch.write(header);
      }
      ByteBuffer body = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      float[] data = m.data();
      for (int i = 0; i < data.length; i++) {
        if (!body.hasRemaining()) {
          body.flip();
          while (body.hasRemaining()) {
            ch.write(body);
          }
          body.clear();
        }
        body.putFloat(data[i]);
      }
      body.flip();
      while (body.hasRemaining()) {
        ch.write(body);
      }
      ch.force(true);
    }
  }

  public static EmbeddingMatrix read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      if (size < MAGIC.length + 16) {
        throw new ArtifactException(file, "too short for a snapshot header (" + size + " bytes)");
      }
      byte[] magic = new byte[MAGIC.length];
      buf.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new ArtifactException(file, "not an embedding snapshot (bad magic)");
      }
      int version = buf.getInt();
      if (version != FORMAT_VERSION) {
        throw new ArtifactException(file, "snapshot format version " + version + " is not supported (expected "
            + FORMAT_VERSION + ")");
      }
      int rows = buf.getInt();
      int dim = buf.getInt();
      int encLen = buf.getInt();
      if (rows < 0 || dim <= 0 || encLen < 0 || encLen > MAX_ENCODER_ID_BYTES) {
        throw new ArtifactException(file, "invalid header: rows=" + rows + " dimension=" + dim + " encoderIdBytes=" + encLen);
      }
      long expected = MAGIC.length + 16L + encLen + 4L * rows * dim;
      if (size != expected) {
        throw new ArtifactException(file, "length " + size + " bytes does not match header (" + rows + " x " + dim
            + " floats = " + expected + " bytes); the file is truncated or corrupt");
      }
      byte[] enc = new byte[encLen];
      buf.get(enc);
      float[] data = new float[rows * dim];
      buf.asFloatBuffer().get(data);
      return new EmbeddingMatrix(new String(enc, StandardCharsets.UTF_8), rows, dim, data);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read: " + e.getMessage());
    }
  }
}
