package dev.recsys.gateway.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.rpc.RequestException;
import dev.recsys.gateway.GatewayConfig;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RecommendValidatorTest {
  static final GatewayConfig CONFIG = new GatewayConfig() {
    public dev.recsys.common.artifact.StoreConfig store() { throw new UnsupportedOperationException(); }
    public Duration generatorDeadline() { return Duration.ofSeconds(1); }
    public Duration groundingDeadline() { return Duration.ofSeconds(1); }
    public Duration stageConnectTimeout() { return Duration.ofSeconds(1); }
    public int maxHistory() { return 3; }
    public int maxNumCandidates() { return 8; }
    public int maxK() { return 100; }
    public int maxInFlight() { return 1; }
    public Auth auth() { throw new UnsupportedOperationException(); }
    public Quotas quotas() { throw new UnsupportedOperationException(); }
  };
  final RecommendValidator v = new RecommendValidator(CONFIG);
  final Catalogue catalogue = new Catalogue(List.of(new Item("1", "A", 0), new Item("2", "B", 0)));

  static RecommendRequest.Builder ok() {
    return RecommendRequest.newBuilder().setTenant("default").addHistory("1").setK(10);
  }

  static void invalid(ThrowingCallable call, String field, String text) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RequestException.class, e -> {
      assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getMessage()).startsWith(field + ":").contains(text);
    });
  }

  @Test
  void acceptsAWellFormedRequest() {
    v.validateShape(ok().build());
    v.validateItems(ok().addHistory("2").build(), catalogue);
  }

  @Test
  void rejectsEachBadField_namingItAndTheRule() {
    invalid(() -> v.validateShape(ok().setTenant("").build()), "tenant", "is required");
    invalid(() -> v.validateShape(ok().setTenant("Bad/Tenant").build()), "tenant", "lower-case");
    invalid(() -> v.validateShape(ok().clearHistory().build()), "history", "is empty");
    invalid(() -> v.validateShape(ok().addHistory("1").addHistory("1").addHistory("1").build()), "history",
        "at most 3");
    invalid(() -> v.validateShape(ok().setK(0).build()), "k", "1..100, got 0");
    invalid(() -> v.validateShape(ok().setK(101).build()), "k", "got 101");
    invalid(() -> v.validateShape(ok().setNumCandidates(9).build()), "num_candidates", "1..8");
    invalid(() -> v.validateShape(ok().setPopularityWeight(-1).build()), "popularity_weight", "[0, 100.0]");
    invalid(() -> v.validateShape(ok().setPopularityWeight(Double.NaN).build()), "popularity_weight", "NaN");
    invalid(() -> v.validateShape(ok().setRequestId("x".repeat(129)).build()), "request_id", "at most 128");
  }

  @Test
  void rejectsUnknownItemIds_listingThemWithPositions() {
    invalid(() -> v.validateItems(ok().addHistory("9").addHistory("2").addHistory("7").build(), catalogue), "history",
        "2 unknown item id(s) for tenant 'default': '9', '7' at position(s) [1, 3]");
  }

  @Test
  void hugeValuesAreQuotedCut_soTheStatusFitsItsTrailer() {
    // a 100,000-character tenant echoed whole overflowed the HTTP/2 trailer: the caller saw INTERNAL
    invalid(() -> v.validateShape(ok().setTenant("t".repeat(100_000)).build()), "tenant", "(100000 characters) is "
        + "not a valid tenant name");
    invalid(() -> v.validateItems(ok().addHistory("i".repeat(1_000_000)).build(), catalogue), "history",
        "(1000000 characters) at position(s) [1]");
  }
}
