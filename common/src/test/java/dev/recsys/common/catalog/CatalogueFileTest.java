package dev.recsys.common.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueFileTest {
  @TempDir Path dir;

  @Test
  void roundTrips_andReplacesTabsInTitles() throws IOException {
    Catalogue c = new Catalogue(List.of(new Item("1", "Toy Story (1995)", 1.0), new Item("2", "Misérables,\tLes", 0.25)));
    Path f = dir.resolve("c.tsv");
    CatalogueFile.write(c, f);
    Catalogue back = CatalogueFile.read(f);
    assertThat(back.size()).isEqualTo(2);
    assertThat(back.find("2").orElseThrow().title()).isEqualTo("Misérables, Les");
    assertThat(back.find("2").orElseThrow().popularity()).isEqualTo(0.25);
    assertThat(back.indexOf("1")).isZero();
    assertThat(back.indexOf("3")).isEqualTo(-1);
    assertThat(back.byPopularity()).containsExactly(0, 1);
  }

  @Test
  void refusesDuplicateIdsAndBadRows() throws IOException {
    Path f = dir.resolve("c.tsv");
    Files.writeString(f, CatalogueFile.HEADER + "\n1\tA\t0.1\n1\tB\t0.2\n");
    assertThatThrownBy(() -> CatalogueFile.read(f)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("duplicate item id '1'");
    Files.writeString(f, CatalogueFile.HEADER + "\n1\tA\t7\n");
    assertThatThrownBy(() -> CatalogueFile.read(f)).hasMessageContaining("line 2").hasMessageContaining("popularity");
    Files.writeString(f, "id,title\n");
    assertThatThrownBy(() -> CatalogueFile.read(f)).hasMessageContaining("expected header");
  }
}
