package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.ReleaseParams;
import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.common.interactions.CooccurrenceFile;
import dev.recsys.common.interactions.Transition;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseBuilderTest {
  @TempDir Path root;

  static final List<Sample> TRAIN = List.of(
      new Sample("u", List.of("a"), "b", 1), new Sample("u", List.of("a", "b"), "c", 2),
      new Sample("v", List.of("a"), "b", 3), new Sample("w", List.of(), "c", 4));

  static Dataset dataset() {
    Map<String, String> titles = new LinkedHashMap<>();
    titles.put("a", "Toy Story (1995)");
    titles.put("b", "Heat (1995)");
    titles.put("c", "Fargo (1996)");
    return new Dataset("tiny", titles, List.of());
  }

  @Test
  void popularityIsMinMaxScaledTrainTargetCounts() {
    Catalogue c = ReleaseBuilder.catalogue(dataset(), TRAIN);
    assertThat(c.find("a").orElseThrow().popularity()).isEqualTo(0.0);
    assertThat(c.find("b").orElseThrow().popularity()).isEqualTo(1.0);
    assertThat(c.find("c").orElseThrow().popularity()).isEqualTo(1.0);
  }

  @Test
  void transitionsCountLastHistoryItemToTarget() {
    assertThat(ReleaseBuilder.transitions(TRAIN)).containsExactly(new Transition("a", "b", 2), new Transition("b", "c", 1));
  }

  @Test
  void transitionsAlsoCountTheEventsInsideAFirstSamplesHistory() {
    List<Sample> rows = List.of(new Sample("u", List.of("a", "b"), "c", 1), new Sample("v", List.of("c"), "b", 2));
    assertThat(ReleaseBuilder.transitions(rows)).containsExactly(new Transition("a", "b", 1),
        new Transition("b", "c", 1), new Transition("c", "b", 1));
    // popularity stays the targets' counts
    Catalogue c = ReleaseBuilder.catalogue(dataset(), rows);
    assertThat(c.find("a").orElseThrow().popularity()).isEqualTo(0.0);
  }

  @Test
  void cooccurrences_weighItemsNearEachOtherByDistance_laterToEarlierAtHalfWeight_neverAnItemWithItself() {
    // u's events: a, b, c (the first sample's history, then the targets); v's: a, b; w: c alone
    // plus x's a, a, b: the repeated a pairs with nothing of itself
    List<Sample> rows = new java.util.ArrayList<>(TRAIN);
    rows.add(new Sample("x", List.of("a", "a"), "b", 5));
    Map<String, Double> w = new LinkedHashMap<>();
    ReleaseBuilder.cooccurrences(rows).forEach(c -> w.put(c.from() + ">" + c.to(), c.weight()));
    // a>b: u (d=1) + v (d=1) + x (d=1 from the last a, d=2 from the first) = 1 + 1 + 1 + 0.5
    assertThat(w).containsEntry("a>b", 3.5).containsEntry("b>a", 0.5 * 3.5)
        .containsEntry("b>c", 1.0).containsEntry("c>b", 0.5)
        .containsEntry("a>c", 0.5).containsEntry("c>a", 0.25)
        .doesNotContainKey("a>a").hasSize(6);
  }

  @Test
  void publish_writesVerifiableReleaseWithSnapshot_andMovesChannel() throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseBuilder b = new ReleaseBuilder(store, new MiniLmEncoder());
    ReleaseManifest m = b.publish(ReleaseBuilder.Request.to("acme", dataset(), TRAIN)
        .provenance("h", "bigrec").gamma(2.0).producer("t"),
        n -> { });
    assertThat(store.pointer("acme", "stable")).contains(m.release());
    assertThat(store.verify("acme", m.release()).files()).containsOnlyKeys("catalogue.tsv", "transitions.tsv",
        "cooccurrence.tsv", "embeddings.bin", "index.hnsw");
    assertThat(CooccurrenceFile.read(store.releaseDir("acme", m.release()).resolve(ReleaseLayout.COOCCURRENCE)))
        .containsExactlyElementsOf(ReleaseBuilder.cooccurrences(TRAIN));
    assertThat(m.params()).containsEntry("index.m", "16");
    EmbeddingMatrix e = SnapshotFile.read(store.releaseDir("acme", m.release()).resolve(ReleaseLayout.EMBEDDINGS));
    assertThat(e.rows()).isEqualTo(3);
    assertThat(e.dimension()).isEqualTo(384);
    assertThat(e.encoderId()).isEqualTo(MiniLmEncoder.ID);
    assertThat(ReleaseParams.of(m.params()).gamma()).isEqualTo(2.0);
    assertThat(CatalogueFile.read(store.releaseDir("acme", m.release()).resolve("catalogue.tsv")).size()).isEqualTo(3);
  }
}
