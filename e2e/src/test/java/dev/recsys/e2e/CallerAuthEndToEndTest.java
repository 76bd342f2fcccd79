package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.rpc.RequestException;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.smallrye.jwt.build.Jwt;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as deployed: callers authenticate with bearer JWTs, are granted tenants, and each
 * tenant has a token bucket. Two tenants are published; caller "feed" is granted only "default",
 * and tenant "small" has a quota of 1 request/s with a burst of 3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallerAuthEndToEndTest {
  StackFixture fx;
  Splits splits;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Dataset d = Releases.synthetic();
    splits = Releases.bigrec(d);
    fx = StackFixture.start(dir, Duration.ofMillis(500), r -> {
      r.publish("default", d, splits, 0.0);
      r.publish("small", d, splits, 0.0);
      r.publish("other", d, splits, 0.0);
    }, stack -> stack.set("gateway", "recsys.gateway.auth.grants.feed=default",
        "recsys.gateway.quotas.tenants.small.rate=1", "recsys.gateway.quotas.tenants.small.burst=3"));
  }

  @AfterAll
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  RecommendRequest request(String tenant) {
    return RecommendRequest.newBuilder().setTenant(tenant).addAllHistory(splits.test().getFirst().history()).setK(5)
        .build();
  }

  Status call(ClientInterceptor auth, String tenant) {
    NettyChannelBuilder b = fx.stack.channel("gateway");
    if (auth != null) {
      b.intercept(auth);
    }
    ManagedChannel ch = b.build();
    try {
      RecommendServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS).recommend(request(tenant));
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().withCause(null).augmentDescription(trailer(e));
    } finally {
      ch.shutdownNow();
    }
  }

  private static String trailer(StatusRuntimeException e) {
    Metadata t = e.getTrailers();
    String ms = t == null ? null : t.get(RequestException.RETRY_PUSHBACK_MS);
    return ms == null ? null : "pushback " + ms;
  }

  static ClientInterceptor header(String value) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(m);
  }

  @Test
  void withoutOrWithBadCredentials_theCallIsUnauthenticated_sayingWhy() throws Exception {
    DevIssuer issuer = fx.stack.issuer();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String foreign = Jwt.issuer(DevIssuer.ISSUER).subject(DevIssuer.SUBJECT).audience(DevIssuer.AUDIENCE)
        .expiresAt(Instant.now().plusSeconds(600)).sign(rsa.generateKeyPair().getPrivate());
    List<Object[]> cases = List.of(
        new Object[] {null, "no credentials: send the header 'authorization: Bearer <JWT>'"},
        new Object[] {header("Bearer not-a-jwt"), "the bearer token was refused"},
        new Object[] {DevIssuer.bearerToken(issuer.token(DevIssuer.SUBJECT, Instant.now().minusSeconds(300))),
            "no longer valid"},
        new Object[] {DevIssuer.bearerToken(foreign), "signature"});
    for (Object[] c : cases) {
      Status s = call((ClientInterceptor) c[0], "default");
      assertThat(s.getCode()).as(String.valueOf(c[1])).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(s.getDescription()).contains((String) c[1]);
    }
    assertThat(call(issuer.bearer(DevIssuer.SUBJECT), "default").getCode()).isEqualTo(Status.Code.OK);
  }

  @Test
  void aCallerGrantedOneTenant_isDeniedAnother_withTheSameAnswerWhetherItExistsOrNot() {
    ClientInterceptor feed = fx.stack.issuer().bearer("feed");
    assertThat(call(feed, "default").getCode()).isEqualTo(Status.Code.OK);
    Status existing = call(feed, "other");
    Status unknown = call(feed, "no-such-tenant");
    assertThat(existing.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(existing.getDescription()).isEqualTo("caller 'feed' is not granted tenant 'other': ask the platform "
        + "team for a grant (recsys.gateway.auth.grants)");
    assertThat(unknown.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(unknown.getDescription()).isEqualTo(existing.getDescription().replace("'other'", "'no-such-tenant'"));
    // the fully granted caller sees the difference
    assertThat(call(fx.stack.issuer().bearer(DevIssuer.SUBJECT), "no-such-tenant").getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aTenantOverItsQuota_isExhaustedWithARetryHint_whileOtherTenantsAreServed() throws Exception {
    ClientInterceptor e2e = fx.stack.issuer().bearer(DevIssuer.SUBJECT);
    List<Status> small = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      small.add(call(e2e, "small"));
    }
    List<Status> exhausted = small.stream().filter(s -> s.getCode() == Status.Code.RESOURCE_EXHAUSTED).toList();
    assertThat(exhausted).as("%s", small).isNotEmpty();
    assertThat(small.stream().filter(Status::isOk).count()).isBetween(3L, 5L);
    assertThat(exhausted.getFirst().getDescription())
        .contains("tenant 'small' is over its quota of 1 requests/s (burst 3): retry in")
        .containsPattern("pushback [0-9]+");
    assertThat(call(e2e, "default").getCode()).isEqualTo(Status.Code.OK);
    Thread.sleep(1100);
    assertThat(call(e2e, "small").getCode()).as("a token has refilled").isEqualTo(Status.Code.OK);
  }
}
