package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The three services as processes, serving a release made from MovieLens-100K. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecommendEndToEndTest {
  StackFixture fx;
  Splits splits;
  ReleaseManifest release;
  Catalogue catalogue;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path ml = Releases.ml100k();
    Assumptions.assumeTrue(ml != null, "MovieLens-100K not found beside the checkout (../shared/datasets/ml-100k); "
        + "set -Drecsys.ml100k=<folder> to run the end-to-end test on it");
    Dataset d = Releases.movieLens(ml);
    splits = Releases.bigrec(d);
    fx = StackFixture.start(dir, Duration.ofMillis(500), r -> release = r.publish("default", d, splits, 0.0));
    catalogue = CatalogueFile.read(fx.releases.store().releaseDir("default", release.release()).resolve("catalogue.tsv"));
  }

  @AfterAll
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  static RecommendRequest.Builder request(List<String> history, int k) {
    return RecommendRequest.newBuilder().setTenant("default").addAllHistory(history).setK(k);
  }

  @Test
  void realUserHistories_getKDistinctUnseenCatalogueItems_withTheServingVersions() {
    for (Sample s : splits.test().subList(0, 25)) {
      RecommendResponse r = fx.recommend(request(s.history(), 10).build());
      List<String> ids = r.getItemsList().stream().map(RecommendedItem::getItemId).toList();
      assertThat(ids).hasSize(10).doesNotHaveDuplicates().doesNotContainAnyElementsOf(s.history());
      assertThat(ids).allSatisfy(id -> assertThat(catalogue.contains(id)).isTrue());
      assertThat(r.getItemsList()).extracting(RecommendedItem::getRank).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
      assertThat(r.getItemsList()).allSatisfy(i -> assertThat(i.getTitle()).isEqualTo(catalogue.find(i.getItemId())
          .orElseThrow().title()));
      assertThat(r.getDegraded()).isFalse();
      assertThat(r.getServedBy().getSnapshotVersion()).isEqualTo(release.release());
      assertThat(r.getServedBy().getAdapterVersion()).isEqualTo(release.release());
      assertThat(r.getServedBy().getGeneratorBackend()).isEqualTo("transition-baseline");
      assertThat(r.getServedBy().getEncoder()).isEqualTo("all-minilm-l6-v2-q");
      assertThat(r.getGeneratedTextsCount()).isEqualTo(4);
    }
  }

  @Test
  void includeSeen_mayReturnHistoryItems_andKIsHonoured() {
    Sample s = splits.test().get(0);
    RecommendResponse r = fx.recommend(request(s.history(), 50).setExcludeSeen(false).setNumCandidates(8).build());
    Set<String> ids = new HashSet<>(r.getItemsList().stream().map(RecommendedItem::getItemId).toList());
    assertThat(ids).hasSize(50);
    assertThat(r.getGeneratedTextsCount()).isEqualTo(8);
  }

  void assertStatus(RecommendRequest req, Status.Code code, String... fragments) {
    assertThatThrownBy(() -> fx.recommend(req)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      for (String f : fragments) {
        assertThat(e.getStatus().getDescription()).contains(f);
      }
    });
  }

  @Test
  void badInput_getsTheRightStatusAndAMessageSayingWhatToFix() {
    List<String> h = List.of("1", "2", "3");
    assertStatus(request(List.of(), 10).build(), Status.Code.INVALID_ARGUMENT, "history", "is empty");
    assertStatus(request(List.of("1", "99999", "abc"), 10).build(), Status.Code.INVALID_ARGUMENT,
        "unknown item id", "'99999'", "'abc'", "position(s) [1, 2]");
    assertStatus(request(h, 0).build(), Status.Code.INVALID_ARGUMENT, "k: must be in 1..100, got 0");
    assertStatus(request(h, 101).build(), Status.Code.INVALID_ARGUMENT, "k: must be in 1..100, got 101");
    assertStatus(request(java.util.Collections.nCopies(201, "1"), 10).build(), Status.Code.INVALID_ARGUMENT,
        "history: has 201 items; at most 200");
    assertStatus(request(h, 10).setNumCandidates(0).build(), Status.Code.INVALID_ARGUMENT, "num_candidates");
    assertStatus(request(h, 10).setPopularityWeight(-2).build(), Status.Code.INVALID_ARGUMENT, "popularity_weight");
    assertStatus(request(h, 10).setTenant("").build(), Status.Code.INVALID_ARGUMENT, "tenant: is required");
    // values too long to echo are quoted cut (echoed whole, they overflowed the trailer: INTERNAL, RST_STREAM)
    assertStatus(request(h, 10).setTenant("t".repeat(100_000)).build(), Status.Code.INVALID_ARGUMENT,
        "(100000 characters) is not a valid tenant name");
    assertStatus(request(List.of("1", "x".repeat(200_000)), 10).build(), Status.Code.INVALID_ARGUMENT,
        "(200000 characters) at position(s) [1]");
    assertStatus(request(h, 10).setTenant("no-such-tenant").build(), Status.Code.NOT_FOUND,
        "tenant 'no-such-tenant' is unknown");
  }
}
