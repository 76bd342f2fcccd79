package dev.recsys.common.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {
  @TempDir Path dir;

  @Test
  void roundTripsExactly() throws IOException {
    EmbeddingMatrix m = EmbeddingMatrix.of("enc-x", new float[][] {{1f, -2.5f, 3e-7f}, {Float.MIN_VALUE, 0f, 7f}});
    Path f = dir.resolve("e.bin");
    SnapshotFile.write(m, f);
    EmbeddingMatrix back = SnapshotFile.read(f);
    assertThat(back.encoderId()).isEqualTo("enc-x");
    assertThat(back.rows()).isEqualTo(2);
    assertThat(back.dimension()).isEqualTo(3);
    assertThat(back.data()).containsExactly(m.data());
    assertThat(back.row(1)).containsExactly(Float.MIN_VALUE, 0f, 7f);
  }

  @Test
  void refusesTruncatedFile() throws IOException {
    Path f = dir.resolve("e.bin");
    SnapshotFile.write(EmbeddingMatrix.of("enc", new float[][] {{1f, 2f}, {3f, 4f}}), f);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(raf.length() - 4);
    }
    assertThatThrownBy(() -> SnapshotFile.read(f))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("truncated or corrupt");
  }

  @Test
  void refusesForeignFile() throws IOException {
    Path f = dir.resolve("e.bin");
    Files.writeString(f, "this is not a snapshot at all");
    assertThatThrownBy(() -> SnapshotFile.read(f)).hasMessageContaining("bad magic");
  }
}
