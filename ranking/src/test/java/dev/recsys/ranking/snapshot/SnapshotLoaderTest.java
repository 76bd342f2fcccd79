package dev.recsys.ranking.snapshot;

import dev.recsys.common.artifact.ReleaseLayout;
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
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.index.HnswItemIndex;
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
    CatalogueFile.write(new Catalogue(items), d.path(ReleaseLayout.CATALOGUE));
    float[][] rows = new float[snapshotRows][dim];
    for (int i = 0; i < snapshotRows; i++) {
      rows[i][0] = i;
    }
    SnapshotFile.write(EmbeddingMatrix.of(encoder, rows), d.path(ReleaseLayout.EMBEDDINGS));
    if (indexRows != null) {
      HnswItemIndex.build(EmbeddingMatrix.of(encoder, indexRows), HnswItemIndex.Params.defaults())
          .save(d.path(ReleaseLayout.INDEX));
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
    return new SnapshotLoader(enc, HnswItemIndex.Params.defaults(), 100, 4, true)
        .load("t", store.open("t", release));
  }

  @Test
  void loadsConsistentRelease_withItsGamma() throws Exception {
    GroundingSnapshot s = load(publish("enc", 4, 3, 3, 3));
    assertThat(s.index().size()).isEqualTo(3);
    // a release without a recorded pipeline serves BIGRec re-weighted by popularity with its gamma
    assertThat(s.pipeline().kind()).isEqualTo(dev.recsys.ranking.pipeline.ServingPipeline.Kind.BIGREC);
    assertThat(s.pipeline().grounding().gamma()).isEqualTo(3.5);
    assertThat(s.pipeline().grounding().signal()).isEqualTo("popularity");
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

  /** A consistent release serving {@code pipeline}, with a SASRec file for {@code sasrecIds} (none when null). */
  String publishWithSequential(dev.recsys.ranking.pipeline.ServingPipeline pipeline, List<String> sasrecIds,
      boolean corrupt) throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseDraft d = store.draft("t");
    List<Item> items = new java.util.ArrayList<>();
    float[][] rows = new float[3][4];
    for (int i = 0; i < 3; i++) {
      items.add(new Item("i" + i, "Title " + i, 0.0));
      rows[i][0] = i;
    }
    CatalogueFile.write(new Catalogue(items), d.path(ReleaseLayout.CATALOGUE));
    SnapshotFile.write(EmbeddingMatrix.of("enc", rows), d.path(ReleaseLayout.EMBEDDINGS));
    if (sasrecIds != null) {
      dev.recsys.llm.DjlDefaults.apply();
      try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
        var model = new dev.recsys.ranking.sequential.SasRecModel(
            new dev.recsys.ranking.sequential.SasRecConfig(sasrecIds.size(), 4, 8, 1, 1, 0));
        model.initialize(m);
        Path f = d.path(ReleaseLayout.SASREC);
        dev.recsys.ranking.sequential.SasRecFile.write(model, sasrecIds, f);
        if (corrupt) {
          byte[] b = java.nio.file.Files.readAllBytes(f);
          java.nio.file.Files.write(f, java.util.Arrays.copyOf(b, b.length - 7));
        }
      }
    }
    d.commit(new ReleaseManifest(0, null, null, null, "test", "enc", 4, 3, Map.of(), pipeline.toParams(), null));
    return d.release();
  }

  static final dev.recsys.ranking.pipeline.ServingPipeline SASREC =
      dev.recsys.ranking.pipeline.ServingPipeline.sequential("sasrec");

  @Test
  void loadsTheSequentialModel_andServesItsPipeline() throws Exception {
    GroundingSnapshot s = load(publishWithSequential(SASREC, List.of("i0", "i1", "i2"), false));
    assertThat(s.pipeline()).isEqualTo(SASREC);
    assertThat(s.signals()).contains("sasrec", "popularity");
    assertThat(s.signal("sasrec").scores(new int[] {0, 1})).hasSize(3);
    s.close();
  }

  @Test
  void refusesASequentialModelThatIsMissing_corrupt_orMadeForAnotherCatalogue() throws Exception {
    String missing = publishWithSequential(SASREC, null, false);
    assertThatThrownBy(() -> load(missing)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("sasrec.safetensors").hasMessageContaining("missing");
    String other = publishWithSequential(SASREC, List.of("i0", "i1", "x"), false);
    assertThatThrownBy(() -> load(other)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("sasrec.safetensors").hasMessageContaining("catalogue");
    String bigger = publishWithSequential(SASREC, List.of("i0", "i1", "i2", "i3"), false);
    assertThatThrownBy(() -> load(bigger)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("scores 4 items but the catalogue has 3");
    String corrupt = publishWithSequential(SASREC, List.of("i0", "i1", "i2"), true);
    assertThatThrownBy(() -> load(corrupt)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("sasrec.safetensors");
  }

  @Test
  void refusesAPipelineReadingCooccurrenceWithoutItsFile_andSimilarityOverACorruptSnapshot() throws Exception {
    var cooc = dev.recsys.ranking.pipeline.ServingPipeline.sequential("mix(transitions=0.5,cooccurrence=0.5)");
    String noFile = publishWithSequential(cooc, null, false);
    assertThatThrownBy(() -> load(noFile)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("cooccurrence.tsv").hasMessageContaining("missing");
    // the helper's snapshot embeds item 0 as the zero vector: no direction, no neighbours
    var similar = dev.recsys.ranking.pipeline.ServingPipeline.sequential("mix(transitions=0.5,similar=0.5)");
    String zeroRow = publishWithSequential(similar, null, false);
    assertThatThrownBy(() -> load(zeroRow)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("embeddings.bin").hasMessageContaining("row 0 has no direction");
  }

  @Test
  void refusesAMixtureOfSignalsTheReleaseLacks() throws Exception {
    var mix = dev.recsys.ranking.pipeline.ServingPipeline.sequential("mix(sasrec=0.4,transitions=0.6)");
    String noTransitions = publishWithSequential(mix, List.of("i0", "i1", "i2"), false);
    assertThatThrownBy(() -> load(noTransitions)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("manifest.json").hasMessageContaining("needs transitions, which this release lacks");
    String noSasRec = publishWithSequential(mix, null, false);
    assertThatThrownBy(() -> load(noSasRec)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("sasrec.safetensors").hasMessageContaining("missing");
  }

  @Test
  void refusesAMalformedPipeline() throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    String r = publish("enc", 4, 3, 3, 3);
    // rewrite the pipeline parameters of a copy: the manifest is checked again, so publish anew
    ReleaseDraft d = store.draft("t");
    CatalogueFile.write(new Catalogue(List.of(new Item("i0", "T", 0), new Item("i1", "U", 0), new Item("i2", "V", 0))),
        d.path(ReleaseLayout.CATALOGUE));
    SnapshotFile.write(EmbeddingMatrix.of("enc", new float[][] {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 0}}),
        d.path(ReleaseLayout.EMBEDDINGS));
    Map<String, String> params = new java.util.HashMap<>(SASREC.toParams());
    params.put("pipeline.gamma", "lots");
    d.commit(new ReleaseManifest(0, null, null, null, "test", "enc", 4, 3, Map.of(), params, null));
    assertThatThrownBy(() -> load(d.release())).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("manifest.json").hasMessageContaining("lots");
    assertThat(load(r).pipeline().kind()).isEqualTo(dev.recsys.ranking.pipeline.ServingPipeline.Kind.BIGREC);
  }

  @Test
  void refusesAReleaseWithAnLlmButNotTheCatalogueEmbeddedByItsBase() throws Exception {
    // the generator serves the adapter of such a release; grounding its texts needs the base model's space
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseDraft d = store.draft("t");
    CatalogueFile.write(new Catalogue(List.of(new Item("i0", "T", 0), new Item("i1", "U", 0), new Item("i2", "V", 0))),
        d.path(ReleaseLayout.CATALOGUE));
    SnapshotFile.write(EmbeddingMatrix.of("enc", new float[][] {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 0, 0, 0}}),
        d.path(ReleaseLayout.EMBEDDINGS));
    java.nio.file.Files.writeString(d.path(ReleaseLayout.ADAPTER_CONFIG), "{}");
    d.commit(new ReleaseManifest(0, null, null, null, "test", "enc", 4, 3, Map.of(), Map.of(), null));
    assertThatThrownBy(() -> load(d.release())).isInstanceOf(ArtifactException.class)
        .hasMessageContaining(ReleaseLayout.LLM_EMBEDDINGS).hasMessageContaining("missing, but the release carries an LLM");
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
