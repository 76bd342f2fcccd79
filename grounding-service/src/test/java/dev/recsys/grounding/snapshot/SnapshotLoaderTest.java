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
import dev.recsys.common.encoder.Encoder;
import dev.recsys.common.index.HnswItemIndex;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotLoaderTest {
  @TempDir Path root;

  String publish(String encoder, int dim, int catalogueSize, int snapshotRows, int manifestCount) throws Exception {
    return publish(encoder, dim, catalogueSize, snapshotRows, manifestCount, null);
  }

  /** @param indexRows rows of the saved HNSW index, or null for a release without one */
  String publish(String encoder, int dim, int catalogueSize, int snapshotRows, int manifestCount, float[][] indexRows)
      throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseDraft d = store.draft("t");
    List<Item> items = new java.util.ArrayList<>();
    for (int i = 0; i < catalogueSize; i++) {
      items.add(new Item("i" + i, "Title " + i, 0.0));
    }
    CatalogueFile.write(new Catalogue(items), d.path(CatalogueFile.FILE_NAME));
    float[][] rows = new float[snapshotRows][dim];
    for (int i = 0; i < snapshotRows; i++) {
      rows[i][0] = i;
    }
    SnapshotFile.write(EmbeddingMatrix.of(encoder, rows), d.path(SnapshotFile.FILE_NAME));
    if (indexRows != null) {
      HnswItemIndex.build(EmbeddingMatrix.of(encoder, indexRows), HnswItemIndex.Params.defaults())
          .save(d.path(HnswItemIndex.FILE_NAME));
    }
    d.commit(new ReleaseManifest(0, null, null, null, "test", encoder, dim, manifestCount, Map.of(),
        Map.of("gamma", "3.5"), null));
    return d.release();
  }

  GroundingSnapshot load(String release) throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    Encoder enc = new Encoder() {
      @Override
      public String id() {
        return "enc";
      }

      @Override
      public int dimension() {
        return 4;
      }

      @Override
      public float[][] encode(java.util.List<String> texts) {
        throw new UnsupportedOperationException("not used by the loader");
      }
    };
    return new SnapshotLoader(enc, HnswItemIndex.Params.defaults(), 0.0, true)
        .load("t", store.releaseDir("t", release), store.verify("t", release));
  }

  @Test
  void loadsConsistentRelease_withItsGamma() throws Exception {
    GroundingSnapshot s = load(publish("enc", 4, 3, 3, 3));
    assertThat(s.index().size()).isEqualTo(3);
    assertThat(s.gamma()).isEqualTo(3.5);
  }

  @Test
  void loadsTheReleasesSavedIndex_andRefusesOneOfOtherEmbeddings() throws Exception {
    float[][] same = {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 0}};
    GroundingSnapshot s = load(publish("enc", 4, 3, 3, 3, same));
    assertThat(s.index().nearest(new float[] {1.9f, 0, 0, 0}, 1).get(0).row()).isEqualTo(2);
    float[][] other = {{5, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 0}};
    String r = publish("enc", 4, 3, 3, 3, other);
    assertThatThrownBy(() -> load(r)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("index.hnsw").hasMessageContaining("row 0 of the index differs");
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
