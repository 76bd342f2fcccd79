package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before it reports ready, the gateway sends Recommend requests through its own path to the real
 * stages (RecommendWarmUp), so the first caller does not pay each process's first-request costs.
 */
class GatewayWarmUpEndToEndTest {
  @TempDir Path dir;

  static long count(String metrics, String method) {
    var m = Pattern.compile("grpc_server_processing_duration_seconds_count\\{method=\"" + method
        + "\"[^}]*statusCode=\"OK\"[^}]*\\} ([0-9.]+)").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void beforeReady_theGatewayRecommendsThroughTheRealStages_thenServesCallers() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> r.publish("default", d, splits, 0.0))) {
      // the stack is ready: the warm-up has run, and no test request has been sent yet
      String ready = fx.stack.http("gateway", "/q/health/ready");
      assertThat(ready).contains("recommend-warm-up").containsPattern("3 requests in \\d+ ms, 0 degraded");
      assertThat(count(fx.stack.http("generator", "/q/metrics"), "Generate")).isEqualTo(3);
      assertThat(count(fx.stack.http("grounding", "/q/metrics"), "Ground")).isEqualTo(3);
      // its requests passed no caller's gRPC server call: the gateway's own Recommend counter is still 0
      assertThat(count(fx.stack.http("gateway", "/q/metrics"), "Recommend")).isZero();

      RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant("default")
          .addAllHistory(splits.test().get(0).history()).setK(5).build());
      assertThat(r.getDegraded()).as(r.getDegradedReason()).isFalse();
      assertThat(r.getItemsCount()).isEqualTo(5);
      assertThat(count(fx.stack.http("gateway", "/q/metrics"), "Recommend")).isEqualTo(1);
    }
  }
}
