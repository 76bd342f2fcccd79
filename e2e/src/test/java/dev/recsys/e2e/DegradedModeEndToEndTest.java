package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a stage down the gateway still answers, flagged degraded, and recovers when it is back. */
class DegradedModeEndToEndTest {
  @TempDir Path dir;

  @Test
  void answersDegradedWhileAStageIsDown_andRecovers() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> r.publish("default", d, splits, 0.0))) {
      Sample s = splits.test().get(0);
      RecommendRequest req = RecommendRequest.newBuilder().setTenant("default").addAllHistory(s.history()).setK(5).build();
      assertThat(fx.recommend(req).getDegraded()).isFalse();

      fx.stack.stop("generator");
      RecommendResponse noGenerator = fx.recommend(req);
      assertThat(noGenerator.getDegraded()).isTrue();
      assertThat(noGenerator.getDegradedReason()).contains("generator failed: UNAVAILABLE");
      assertThat(noGenerator.getServedBy().getGeneratorBackend()).isEqualTo("signal-fallback");
      // no texts: grounding ranked by the release's signal alone (this release has no SASRec: transitions)
      assertThat(noGenerator.getServedBy().getPipeline()).isEqualTo("transitions");
      assertThat(noGenerator.getGeneratedTextsList()).isEmpty();
      assertThat(noGenerator.getItemsList()).hasSize(5).extracting(RecommendedItem::getItemId)
          .doesNotContainAnyElementsOf(s.history()).doesNotHaveDuplicates();

      fx.stack.stop("grounding");
      RecommendResponse nothing = fx.recommend(req);
      assertThat(nothing.getDegradedReason()).contains("grounding failed").contains("most popular items");
      assertThat(nothing.getItemsList()).hasSize(5).extracting(RecommendedItem::getItemId)
          .doesNotContainAnyElementsOf(s.history()).doesNotHaveDuplicates();

      fx.stack.start("generator");
      fx.stack.start("grounding");
      fx.stack.awaitReady("generator", Duration.ofSeconds(60));
      fx.stack.awaitReady("grounding", Duration.ofSeconds(60));
      // the gateway's channels reconnect with gRPC's backoff, so recovery takes up to a few seconds
      RecommendResponse back = fx.recommend(req);
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (back.getDegraded() && System.nanoTime() < end) {
        Thread.sleep(200);
        back = fx.recommend(req);
      }
      assertThat(back.getDegraded()).as(back.getDegradedReason()).isFalse();
      assertThat(back.getServedBy().getGeneratorBackend()).isEqualTo("transition-baseline");
    }
  }
}
