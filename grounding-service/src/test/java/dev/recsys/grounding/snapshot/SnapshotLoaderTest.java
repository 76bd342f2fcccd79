package dev.recsys.grounding.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseDraft;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.grounding.index.HnswItemIndex;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotLoaderTest {
  @TempDir Path root;

  String publish(String encoder, int dim, int catalogueSize, int snapshotRows, int manifestCount) throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseDraft d = store.draft("t");
    List<Item> items = new java.util.ArrayList<>();
    for (int i = 0; i < catalogueSize; i++) {
      items.add(new Item("i" + i, "Title " + i, 0.0));
    }
    CatalogueFile.write(new Catalogue(items), d.path(CatalogueFile.FILE_NAME));
    float[][] rows = new float[snapshotRows][dim];
    SnapshotFile.write(EmbeddingMatrix.of(encoder, rows), d.path(SnapshotFile.FILE_NAME));
    d.commit(new ReleaseManifest(0, null, null, null, "test", encoder, dim, manifestCount, Map.of(),
        Map.of("gamma", "3.5"), null));
    return d.release();
  }

  GroundingSnapshot load(String release) throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    return new SnapshotLoader("enc", 4, HnswItemIndex.Params.defaults(), 0.0)
        .load("t", store.releaseDir("t", release), store.verify("t", release));
  }

  @Test
  void loadsConsistentRelease_withItsGamma() throws Exception {
    GroundingSnapshot s = load(publish("enc", 4, 3, 3, 3));
    assertThat(s.index().size()).isEqualTo(3);
    assertThat(s.gamma()).isEqualTo(3.5);
  }

  @Test
  void refusesOtherEncoder() throws Exception {
    String r = publish("other", 4, 3, 3, 3);
    assertThatThrownBy(() -> load(r)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("made by encoder 'other'").hasMessageContaining("'enc'");
  }

  @Test
  void refusesWrongDimension() throws Exception {
    String r = publish("enc", 8, 3, 3, 3);
    assertThatThrownBy(() -> load(r)).hasMessageContaining("dimension 8");
  }

  @Test
  void refusesRowCountMismatch() throws Exception {
    String r = publish("enc", 4, 3, 2, 3);
    assertThatThrownBy(() -> load(r)).hasMessageContaining("2 rows but the catalogue has 3 items");
  }
}
