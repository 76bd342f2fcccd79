package dev.recsys.generator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratedText;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.proto.generator.v1.HistoryItem;
import dev.recsys.serving.rpc.LocalChannels;
import dev.recsys.serving.rpc.RequestException;
import dev.recsys.trainer.publish.PublishedReleases;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's Generate RPC in this JVM on a real published release without an LLM
 * ({@link PublishedStore}): the texts its backend proposes, pinned releases, and the statuses its
 * contract documents for requests (the LLM's queue and deadlines: {@code GenerationQueueTest} and
 * the end-to-end tests).
 */
@QuarkusTest
@QuarkusTestResource(PublishedStore.class)
class GenerateInProcessTest {
  @ConfigProperty(name = "quarkus.http.test-port") int port;
  @ConfigProperty(name = "test.release.mine") String mine;
  @ConfigProperty(name = "test.release.theirs") String theirs;

  private final Map<String, String> titles = PublishedReleases.dataset().titles();
  private ManagedChannel channel;
  private GeneratorServiceGrpc.GeneratorServiceBlockingStub generator;

  @BeforeEach
  void connect() throws InterruptedException {
    channel = LocalChannels.plaintext(port);
    generator = GeneratorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    LocalChannels.awaitServing(() -> generator.generate(request().build()));
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  private HistoryItem item(String id) {
    return HistoryItem.newBuilder().setItemId(id).setTitle(titles.get(id)).build();
  }

  private GenerateRequest.Builder request() {
    List<String> ids = PublishedReleases.itemIds();
    return GenerateRequest.newBuilder().setTenant(PublishedReleases.TENANT).addHistory(item(ids.get(0)))
        .addHistory(item(ids.get(1))).setNumCandidates(3);
  }

  @Test
  void proposesCatalogueTitles_forTheCurrentRelease() {
    GenerateResponse r = generator.generate(request().build());
    assertThat(r.getTextsCount()).isBetween(1, 3);
    assertThat(r.getTextsList()).extracting(GeneratedText::getText).allSatisfy(t -> assertThat(titles).containsValue(t));
    assertThat(r.getTextsList()).extracting(GeneratedText::getScore).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(r.getModelVersion()).isEqualTo(mine);
    assertThat(r.getBackend()).isNotEmpty();
  }

  @Test
  void aPinnedRelease_isServedWhenLoaded_refusedWithTheLoadedOnesWhenNot_andNeverAcrossTenants() {
    assertThat(generator.generate(request().setRelease(mine).build()).getModelVersion()).isEqualTo(mine);
    assertThatThrownBy(() -> generator.generate(request().setRelease("20990101T000000Z-abcdef").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getTrailers().get(RequestException.LOADED_RELEASES)).startsWith(mine);
        });
    assertStatus(request().setRelease(theirs), Status.Code.PERMISSION_DENIED, "");
  }

  @Test
  void badRequests_areRefused_namingTheFieldAndTheRule() {
    assertStatus(request().setTenant("nobody"), Status.Code.NOT_FOUND, "nobody");
    assertStatus(request().clearHistory(), Status.Code.INVALID_ARGUMENT, "history");
    assertStatus(request().setNumCandidates(33), Status.Code.INVALID_ARGUMENT, "num_candidates");
    assertStatus(request().setNumCandidates(-1), Status.Code.INVALID_ARGUMENT, "num_candidates");
    // an id sent without its title must be in the release's catalogue (a title sent is used as it is)
    assertStatus(request().addHistory(HistoryItem.newBuilder().setItemId("no-such-item")),
        Status.Code.INVALID_ARGUMENT, "no-such-item");
    assertStatus(request().setTenant(""), Status.Code.INVALID_ARGUMENT, "tenant");
  }

  private void assertStatus(GenerateRequest.Builder req, Status.Code code, String mentions) {
    LocalChannels.assertRefused(() -> generator.generate(req.build()), code, mentions);
  }
}
