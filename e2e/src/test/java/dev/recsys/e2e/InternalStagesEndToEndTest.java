package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.proto.generator.v1.HistoryItem;
import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundedItem;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The internal generator and grounding APIs, called directly as the gateway calls them. */
class InternalStagesEndToEndTest {
  @TempDir Path dir;

  static void status(ThrowingCallable call, Status.Code code, String text) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(text);
    });
  }

  static String metrics(int port) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void internalApis_answerAndRejectBadInput_andReportHealth() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    String[] published = new String[1];
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> {
      published[0] = r.publish("default", d, splits, 0.0).release();
      r.publish("second", d, splits, 0.0);
    })) {
      String defaultRelease = published[0];
      ManagedChannel g = fx.stack.channel("grounding").build();
      ManagedChannel gen = fx.stack.channel("generator").build();
      try {
        var grounding = GroundingServiceGrpc.newBlockingStub(g);
        GroundResponse ok = grounding.ground(GroundRequest.newBuilder().setTenant("default")
            .addTexts(d.titles().get("1")).setK(3).build());
        assertThat(ok.getItems(0).getItemId()).isEqualTo("1");
        assertThat(ok.getItems(0).getScore()).isZero();
        assertThat(ok.getItemsCount()).isEqualTo(3);
        // a release that records no serving pipeline serves BIGRec's grounding of the texts
        assertThat(ok.getPipeline()).isEqualTo("bigrec");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("default").addTexts("x").setK(3)
            .addAllHistoryItemIds(java.util.Collections.nCopies(201, "1")).build()),
            Status.Code.INVALID_ARGUMENT, "history_item_ids: 201 items given; at most 200");
        // no texts (what the gateway sends when its generator could not answer): the signal alone ranks
        GroundResponse noTexts = grounding.ground(GroundRequest.newBuilder().setTenant("default").setK(3)
            .addHistoryItemIds("1").addExcludeItemIds("1").build());
        assertThat(noTexts.getPipeline()).isEqualTo("transitions");
        assertThat(noTexts.getItemsList()).hasSize(3).extracting(GroundedItem::getItemId).doesNotContain("1");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("default").addTexts(" ").setK(3).build()),
            Status.Code.INVALID_ARGUMENT, "texts[0]: must not be empty");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("default").addTexts("x").setK(1000).build()),
            Status.Code.INVALID_ARGUMENT, "k: must be in 1..100");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("other").addTexts("x").setK(3).build()),
            Status.Code.NOT_FOUND, "tenant 'other' has no published embedding snapshot");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("default").addTexts("x").setK(3)
            .setRelease("r-old").build()), Status.Code.FAILED_PRECONDITION, "release 'r-old' is not loaded");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("second").addTexts("x").setK(3)
            .setRelease(defaultRelease).build()), Status.Code.PERMISSION_DENIED, "belongs to another tenant");

        var generator = GeneratorServiceGrpc.newBlockingStub(gen);
        GenerateResponse texts = generator.generate(GenerateRequest.newBuilder().setTenant("default")
            .addAllHistory(List.of(HistoryItem.newBuilder().setItemId("1").build())).setNumCandidates(5).build());
        assertThat(texts.getTextsCount()).isEqualTo(5);
        assertThat(texts.getBackend()).isEqualTo("transition-baseline");
        status(() -> generator.generate(GenerateRequest.newBuilder().setTenant("second").setRelease(defaultRelease)
            .addHistory(HistoryItem.newBuilder().setItemId("1")).setNumCandidates(5).build()),
            Status.Code.PERMISSION_DENIED, "belongs to another tenant");
        status(() -> generator.generate(GenerateRequest.newBuilder().setTenant("default").setRelease("r-new")
            .addHistory(HistoryItem.newBuilder().setItemId("1")).setNumCandidates(5).build()),
            Status.Code.FAILED_PRECONDITION, "release 'r-new' is not loaded");
        status(() -> generator.generate(GenerateRequest.newBuilder().setTenant("default")
            .addHistory(HistoryItem.newBuilder().setItemId("no-such-item")).setNumCandidates(5).build()),
            Status.Code.INVALID_ARGUMENT, "history[0].item_id: 'no-such-item' is not in the catalogue");
        status(() -> generator.generate(GenerateRequest.newBuilder().setTenant("default").setNumCandidates(5).build()),
            Status.Code.INVALID_ARGUMENT, "history: at least one item is required");
        status(() -> generator.generate(GenerateRequest.newBuilder().setTenant("t".repeat(100_000))
            .addHistory(HistoryItem.newBuilder().setItemId("1")).setNumCandidates(5).build()),
            Status.Code.INVALID_ARGUMENT, "(100000 characters) is not a valid tenant name");
        status(() -> grounding.ground(GroundRequest.newBuilder().setTenant("t".repeat(100_000)).addTexts("x").setK(3)
            .build()), Status.Code.INVALID_ARGUMENT, "(100000 characters) is not a valid tenant name");
        status(() -> generator.generate(GenerateRequest.newBuilder().setTenant("default")
            .addHistory(HistoryItem.newBuilder().setItemId("1")).setNumCandidates(33).build()),
            Status.Code.INVALID_ARGUMENT, "num_candidates: must be in 1..32");

        for (ManagedChannel ch : List.of(g, gen)) {
          assertThat(HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.newBuilder().build()).getStatus())
              .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }

        // Prometheus metrics of each stage: latency histograms by method and status, loaded
        // releases, reload counts, queue depth / in-flight, index size
        String groundingMetrics = metrics(fx.stack.managementPort("grounding"));
        assertThat(groundingMetrics)
            .containsPattern("grpc_server_processing_duration_seconds_bucket\\{[^}]*method=\"Ground\"[^}]*statusCode=\"OK\",le=\"0\\.05\"")
            .containsPattern("grpc_server_processing_duration_seconds_count\\{[^}]*statusCode=\"INVALID_ARGUMENT\"")
            .containsPattern("grpc_server_processing_duration_seconds_count\\{[^}]*statusCode=\"PERMISSION_DENIED\"")
            .containsPattern("recsys_release_serving\\{[^}]*release=\"" + defaultRelease + "\"[^}]*\\} 1")
            .containsPattern("recsys_release_reloads_total\\{[^}]*outcome=\"loaded\"")
            .containsPattern("recsys_grounding_index_items(\\{[^}]*\\})? " + (2 * d.titles().size()) + "\\.0");
        assertThat(metrics(fx.stack.managementPort("generator")))
            .containsPattern("grpc_server_processing_duration_seconds_bucket\\{[^}]*method=\"Generate\"")
            .contains("recsys_generator_queue_waiting").contains("recsys_generator_queue_running")
            .containsPattern("recsys_release_serving\\{[^}]*stage=\"generator\"");
        fx.recommend(dev.recsys.proto.recommend.v1.RecommendRequest.newBuilder().setTenant("default")
            .addAllHistory(splits.test().get(0).history()).setK(5).build());
        String gatewayMetrics = metrics(fx.stack.managementPort("gateway"));
        assertThat(gatewayMetrics)
            .containsPattern("grpc_server_processing_duration_seconds_bucket\\{[^}]*method=\"Recommend\"")
            .containsPattern("grpc_client_processing_duration_seconds_bucket\\{[^}]*method=\"Ground\"")
            .contains("recsys_gateway_inflight").contains("recsys_gateway_degraded_total{stage=\"generator\"}");
        // every metric the Grafana dashboard queries is one the services expose
        String all = groundingMetrics + metrics(fx.stack.managementPort("generator")) + gatewayMetrics;
        String dashboard = java.nio.file.Files.readString(LocalStack.repoRoot()
            .resolve("k8s/base/grafana/recsys-dashboard.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z_]+)\\{namespace").matcher(dashboard);
        int queried = 0;
        while (m.find()) {
          assertThat(all).as("dashboard metric " + m.group(1)).contains(m.group(1));
          queried++;
        }
        assertThat(queried).isGreaterThan(10);
      } finally {
        g.shutdownNow();
        gen.shutdownNow();
      }
    }
  }

  @Test
  void beforeAnyReleaseIsPublished_groundingIsNotServing_andAnswersUnavailable() throws Exception {
    try (LocalStack stack = new LocalStack(LocalStack.repoRoot(), dir.resolve("empty-store"), dir.resolve("logs"),
        Duration.ofMillis(500))) {
      stack.start("grounding");
      stack.awaitLive("grounding", Duration.ofSeconds(60));
      ManagedChannel g = stack.channel("grounding").build();
      try {
        assertThat(HealthGrpc.newBlockingStub(g).check(HealthCheckRequest.newBuilder().build()).getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
        status(() -> GroundingServiceGrpc.newBlockingStub(g).ground(GroundRequest.newBuilder().setTenant("default")
            .addTexts("x").setK(3).build()), Status.Code.UNAVAILABLE, "no embedding snapshot is loaded yet");
      } finally {
        g.shutdownNow();
      }
    }
  }
}
