package dev.recsys.grounding.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundedItem;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
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
 * The grounding service's Ground RPC in this JVM on a real published release ({@link PublishedStore}):
 * the ranking it returns, pinned releases, and every status its contract documents but UNAVAILABLE
 * (no release loaded yet: the end-to-end start-up tests show it).
 */
@QuarkusTest
@QuarkusTestResource(PublishedStore.class)
class GroundInProcessTest {
  @ConfigProperty(name = "quarkus.http.test-port") int port;
  @ConfigProperty(name = "test.release.mine") String mine;
  @ConfigProperty(name = "test.release.theirs") String theirs;

  private final Map<String, String> titles = PublishedReleases.dataset().titles();
  private ManagedChannel channel;
  private GroundingServiceGrpc.GroundingServiceBlockingStub grounding;

  @BeforeEach
  void connect() throws InterruptedException {
    channel = LocalChannels.plaintext(port);
    grounding = GroundingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    LocalChannels.awaitServing(() -> grounding.ground(request().build()));
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  private static List<String> itemIds() {
    return PublishedReleases.itemIds();
  }

  private GroundRequest.Builder request() {
    String first = itemIds().get(0);
    return GroundRequest.newBuilder().setTenant(PublishedReleases.TENANT).addTexts(titles.get(first)).setK(5);
  }

  @Test
  void groundsATitleToItsItem_withScoresInOrder_andTheExcludedLeftOut() {
    String first = itemIds().get(0);
    GroundResponse r = grounding.ground(request().build());
    assertThat(r.getItemsList()).hasSize(5);
    assertThat(r.getItems(0).getItemId()).isEqualTo(first); // an exact catalogue title is its own nearest item
    assertThat(r.getItemsList()).extracting(GroundedItem::getScore).isSorted().allSatisfy(
        s -> assertThat(s).isBetween(0.0, 1.0));
    assertThat(r.getSnapshotVersion()).isEqualTo(mine);
    assertThat(r.getPipeline()).isNotEmpty();

    GroundResponse without = grounding.ground(request().addExcludeItemIds(first).build());
    assertThat(without.getItemsList()).extracting(GroundedItem::getItemId).doesNotContain(first).hasSize(5);
  }

  @Test
  void withoutTexts_theReleasesSignalRanks_theUnseenItems() {
    List<String> history = itemIds().subList(0, 3);
    GroundResponse r = grounding.ground(GroundRequest.newBuilder().setTenant(PublishedReleases.TENANT).setK(4)
        .addAllHistoryItemIds(history).addAllExcludeItemIds(history).build());
    assertThat(r.getItemsList()).hasSize(4).extracting(GroundedItem::getItemId).doesNotContainAnyElementsOf(history);
  }

  @Test
  void aPinnedRelease_isServedWhenLoaded_refusedWithTheLoadedOnesWhenNot_andNeverAcrossTenants() {
    assertThat(grounding.ground(request().setRelease(mine).build()).getSnapshotVersion()).isEqualTo(mine);

    assertThatThrownBy(() -> grounding.ground(request().setRelease("20990101T000000Z-abcdef").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getTrailers().get(RequestException.LOADED_RELEASES)).startsWith(mine);
        });
    assertStatus(request().setRelease(theirs), Status.Code.PERMISSION_DENIED, "");
  }

  @Test
  void badRequests_areRefused_namingTheFieldAndTheRule() {
    assertStatus(request().setTenant("nobody"), Status.Code.NOT_FOUND, "nobody");
    assertStatus(request().addTexts(""), Status.Code.INVALID_ARGUMENT, "texts");
    assertStatus(request().addTexts("x".repeat(513)), Status.Code.INVALID_ARGUMENT, "texts");
    GroundRequest.Builder many = request();
    for (int i = 0; i < 32; i++) {
      many.addTexts("t" + i);
    }
    assertStatus(many, Status.Code.INVALID_ARGUMENT, "texts");
    assertStatus(request().setK(0), Status.Code.INVALID_ARGUMENT, "k");
    assertStatus(request().setK(101), Status.Code.INVALID_ARGUMENT, "k");
    assertStatus(request().setPopularityWeight(Double.NaN), Status.Code.INVALID_ARGUMENT, "popularity_weight");
    assertStatus(request().setPopularityWeight(-1), Status.Code.INVALID_ARGUMENT, "popularity_weight");
    assertStatus(request().setPopularityWeight(101), Status.Code.INVALID_ARGUMENT, "popularity_weight");
    assertStatus(request().setTenant(""), Status.Code.INVALID_ARGUMENT, "tenant");
    // over the server's message limit: refused by the transport before the service runs, with a message
    assertStatus(request().addTexts("x".repeat(300_000)), Status.Code.RESOURCE_EXHAUSTED, "262144 bytes");
    assertThat(grounding.ground(request().build()).getItemsList()).hasSize(5);
  }

  private void assertStatus(GroundRequest.Builder req, Status.Code code, String mentions) {
    LocalChannels.assertRefused(() -> grounding.ground(req.build()), code, mentions);
  }
}
