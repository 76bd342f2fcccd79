package dev.recsys.common.interactions;

import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ArtifactException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CooccurrenceFileTest {
  @TempDir Path dir;

  @Test
  void roundTripsWeightsExactly() throws Exception {
    List<Cooccurrence> pairs = List.of(new Cooccurrence("a", "b", 3.5), new Cooccurrence("b", "a", 1.0 / 3));
    Path f = dir.resolve(ReleaseLayout.COOCCURRENCE);
    CooccurrenceFile.write(pairs, f);
    assertThat(CooccurrenceFile.read(f)).containsExactlyElementsOf(pairs);
  }

  @Test
  void refusesANonPositiveOrNonNumericWeight_namingTheFileAndLine() throws Exception {
    for (String bad : List.of("0", "-1", "NaN", "Infinity", "lots")) {
      Path f = dir.resolve(bad + ".tsv");
      Files.writeString(f, "from_item\tto_item\tweight\na\tb\t1\nb\ta\t" + bad + "\n");
      assertThatThrownBy(() -> CooccurrenceFile.read(f)).isInstanceOf(ArtifactException.class)
          .hasMessageContaining(f.toString()).hasMessageContaining("line 3");
    }
  }
}
