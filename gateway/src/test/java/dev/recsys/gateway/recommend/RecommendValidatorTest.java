package dev.recsys.gateway.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.serving.limits.Limits;
import dev.recsys.serving.rpc.RequestException;
import io.grpc.Status;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RecommendValidatorTest {
  static final Limits LIMITS = new Limits(3, 100, 8, 2048, 512, 100.0);
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
    RecommendValidator.validateShape(ok().build(), LIMITS);
    RecommendValidator.validateItems(ok().addHistory("2").build(), catalogue);
  }

  @Test
  void rejectsEachBadField_namingItAndTheRule() {
    invalid(() -> RecommendValidator.validateShape(ok().setTenant("").build(), LIMITS), "tenant", "is required");
    invalid(() -> RecommendValidator.validateShape(ok().setTenant("Bad/Tenant").build(), LIMITS), "tenant", "lower-case");
    invalid(() -> RecommendValidator.validateShape(ok().clearHistory().build(), LIMITS), "history", "is empty");
    invalid(() -> RecommendValidator.validateShape(ok().addHistory("1").addHistory("1").addHistory("1").build(), LIMITS), "history",
        "at most 3");
    invalid(() -> RecommendValidator.validateShape(ok().setK(0).build(), LIMITS), "k", "1..100, got 0");
    invalid(() -> RecommendValidator.validateShape(ok().setK(101).build(), LIMITS), "k", "got 101");
    invalid(() -> RecommendValidator.validateShape(ok().setNumCandidates(9).build(), LIMITS), "num_candidates", "1..8");
    invalid(() -> RecommendValidator.validateShape(ok().setPopularityWeight(-1).build(), LIMITS), "popularity_weight", "[0, 100.0]");
    invalid(() -> RecommendValidator.validateShape(ok().setPopularityWeight(Double.NaN).build(), LIMITS), "popularity_weight", "NaN");
    invalid(() -> RecommendValidator.validateShape(ok().setRequestId("x".repeat(129)).build(), LIMITS), "request_id", "at most 128");
  }

  @Test
  void rejectsUnknownItemIds_listingThemWithPositions() {
    invalid(() -> RecommendValidator.validateItems(ok().addHistory("9").addHistory("2").addHistory("7").build(), catalogue), "history",
        "2 unknown item id(s) for tenant 'default': '9', '7' at position(s) [1, 3]");
  }

  @Test
  void hugeValuesAreQuotedCut_soTheStatusFitsItsTrailer() {
    // a 100,000-character tenant echoed whole overflowed the HTTP/2 trailer: the caller saw INTERNAL
    invalid(() -> RecommendValidator.validateShape(ok().setTenant("t".repeat(100_000)).build(), LIMITS), "tenant", "(100000 characters) is "
        + "not a valid tenant name");
    invalid(() -> RecommendValidator.validateItems(ok().addHistory("i".repeat(1_000_000)).build(), catalogue), "history",
        "(1000000 characters) at position(s) [1]");
  }
}
