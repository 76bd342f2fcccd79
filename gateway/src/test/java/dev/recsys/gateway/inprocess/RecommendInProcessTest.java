package dev.recsys.gateway.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import dev.recsys.serving.rpc.LocalChannels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's Recommend path in this JVM, with its CDI wiring, retries and fallbacks, against
 * scripted stages ({@link FakeStages}): the answer it assembles, the re-pin during a rollout, and
 * every status its contract documents that does not need authentication (those are in the auth
 * tests).
 */
@QuarkusTest
@QuarkusTestResource(InProcessStack.class)
class RecommendInProcessTest {
  @InProcessStack.Fakes FakeStages stages;

  @ConfigProperty(name = "quarkus.http.test-port") int port;

  private ManagedChannel channel;
  private RecommendServiceGrpc.RecommendServiceBlockingStub gateway;

  @BeforeEach
  void connect() {
    stages.reset();
    channel = LocalChannels.plaintext(port);
    gateway = RecommendServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  private static RecommendRequest.Builder request(String... history) {
    return RecommendRequest.newBuilder().setTenant("default").addAllHistory(List.of(history)).setK(3);
  }

  @Test
  void assemblesTheAnswer_fromTheStages_withRanksAndVersions() {
    RecommendResponse r = gateway.recommend(request("i1", "i2").setNumCandidates(2).build());

    assertThat(r.getItemsList()).extracting(RecommendedItem::getItemId).containsExactly("i3", "i4");
    assertThat(r.getItemsList()).extracting(RecommendedItem::getRank).containsExactly(1, 2);
    assertThat(r.getGeneratedTextsList()).containsExactly("Gamma (1999)");
    assertThat(r.getDegraded()).isFalse();
    assertThat(r.getServedBy().getAdapterVersion()).isEqualTo(FakeStages.CURRENT);
    assertThat(r.getServedBy().getPipeline()).isEqualTo("bigrec+sasrec");
    // what the stages were asked: the history's titles from the gateway's catalogue, the history excluded,
    // grounding pinned to the release that generated
    GenerateRequest asked = stages.generateCalls.get(0);
    assertThat(asked.getHistoryList()).extracting(h -> h.getTitle()).containsExactly("Alpha (1990)", "Beta (1991)");
    assertThat(asked.getNumCandidates()).isEqualTo(2);
    assertThat(stages.groundCalls.get(0).getRelease()).isEqualTo(FakeStages.CURRENT);
    assertThat(stages.groundCalls.get(0).getExcludeItemIdsList()).containsExactly("i1", "i2");
    assertThat(stages.groundCalls.get(0).getK()).isEqualTo(3);
  }

  @Test
  void duringARollout_theRequestIsGeneratedAgain_pinnedToTheReleaseGroundingHas() {
    stages.grounding = g -> {
      if (!g.getRelease().equals(FakeStages.PREVIOUS)) {
        throw FakeStages.notLoaded(g.getRelease(), FakeStages.PREVIOUS);
      }
      return FakeStages.grounded(FakeStages.PREVIOUS, "i5");
    };

    RecommendResponse r = gateway.recommend(request("i1").build());

    assertThat(r.getItemsList()).extracting(RecommendedItem::getItemId).containsExactly("i5");
    assertThat(r.getServedBy().getAdapterVersion()).isEqualTo(FakeStages.PREVIOUS);
    assertThat(r.getDegraded()).isFalse();
    assertThat(stages.generateCalls).extracting(GenerateRequest::getRelease).containsExactly("", FakeStages.PREVIOUS);
  }

  @Test
  void whenNoReleaseIsHeldInCommon_itIsUnavailable_notInternal() {
    stages.grounding = g -> {
      throw FakeStages.notLoaded(g.getRelease(), "r-other");
    };
    stages.generator = g -> {
      if (g.getRelease().equals("r-other")) {
        throw FakeStages.notLoaded("r-other", FakeStages.CURRENT);
      }
      return FakeStages.generated(FakeStages.CURRENT, "Gamma (1999)");
    };

    assertThatThrownBy(() -> gateway.recommend(request("i1").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("rollout is in progress").contains("retry");
        });

    stages.grounding = g -> {
      throw FakeStages.notLoaded(g.getRelease()); // loading nothing yet
    };
    assertThatThrownBy(() -> gateway.recommend(request("i1").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aGeneratorThatStaysUnavailable_isRetriedTwice_thenTheSignalRanks() {
    stages.generator = g -> {
      throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
    };

    RecommendResponse r = gateway.recommend(request("i1").build());

    assertThat(stages.generateCalls).hasSize(3);
    assertThat(r.getDegraded()).isTrue();
    assertThat(r.getDegradedReason()).contains("generator failed: UNAVAILABLE (restarting)")
        .contains("collaborative signal");
    assertThat(r.getServedBy().getGeneratorBackend()).isEqualTo("signal-fallback");
    assertThat(stages.groundCalls.get(0).getTextsList()).isEmpty();
    assertThat(stages.groundCalls.get(0).getHistoryItemIdsList()).containsExactly("i1");
    assertThat(r.getItemsList()).extracting(RecommendedItem::getItemId).containsExactly("i3", "i4");
  }

  @Test
  void aGroundingFailure_isNotRetried_andServesThePopularUnseenItems() {
    stages.grounding = g -> {
      throw Status.INTERNAL.withDescription("index broken").asRuntimeException();
    };

    RecommendResponse r = gateway.recommend(request("i1", "i3").build());

    assertThat(stages.groundCalls).hasSize(1);
    assertThat(r.getDegraded()).isTrue();
    assertThat(r.getDegradedReason()).contains("grounding failed: INTERNAL (index broken)").contains("most popular");
    assertThat(r.getServedBy().getPipeline()).isEqualTo("popularity-fallback");
    assertThat(r.getItemsList()).extracting(RecommendedItem::getItemId).containsExactly("i2", "i4", "i5");
  }

  @Test
  void badRequests_areInvalidArgument_orNotFound_namingWhatToFix_andReachNoStage() {
    assertStatus(request("i1").setTenant("nobody").build(), Status.Code.NOT_FOUND, "tenant 'nobody' is unknown");
    assertStatus(request("i1", "i99").build(), Status.Code.INVALID_ARGUMENT, "i99");
    assertStatus(request().build(), Status.Code.INVALID_ARGUMENT, "history");
    assertStatus(request("i1").setK(0).build(), Status.Code.INVALID_ARGUMENT, "k");
    assertStatus(request("i1").setK(101).build(), Status.Code.INVALID_ARGUMENT, "k");
    assertStatus(request("i1").setPopularityWeight(Double.NaN).build(), Status.Code.INVALID_ARGUMENT, "popularity_weight");
    assertStatus(request("i1").setRequestId("x".repeat(129)).build(), Status.Code.INVALID_ARGUMENT, "request_id");
    assertThat(stages.generateCalls).isEmpty();
    assertThat(stages.groundCalls).isEmpty();
  }

  @Test
  void theCallersDeadline_isDeadlineExceeded() {
    stages.generator = g -> {
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeStages.generated(FakeStages.CURRENT, "Gamma (1999)");
    };
    assertThatThrownBy(() -> gateway.withDeadlineAfter(200, TimeUnit.MILLISECONDS).recommend(request("i1").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  private void assertStatus(RecommendRequest req, Status.Code code, String mentions) {
    LocalChannels.assertRefused(() -> gateway.recommend(req), code, mentions);
  }
}
