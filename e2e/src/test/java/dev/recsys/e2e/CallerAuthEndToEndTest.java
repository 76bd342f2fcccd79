package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.cli.dev.DevCertificates;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.serving.rpc.RequestException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as deployed: callers authenticate with bearer JWTs or client certificates of the
 * callers' CA, are granted tenants, and each tenant has a token bucket. Two tenants are published; caller "feed" is granted only "default",
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
        "recsys.gateway.auth.grants.\"cert:" + DevCertificates.CALLER + "\"=default",
        "recsys.gateway.quotas.tenants.small.rate=1", "recsys.gateway.quotas.tenants.small.burst=3",
        "recsys.limits.tenants.other.max-k=3"));
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
    return call(fx.stack.channel("gateway"), auth, tenant);
  }

  /** A call over TLS that shows the client certificate {@code name} of the stack's certificates. */
  Status callWithCertificate(String name, ClientInterceptor auth, String tenant) {
    return call(NettyChannelBuilder.forAddress("127.0.0.1", fx.stack.port("gateway")).sslContext(fx.stack.tls(name)),
        auth, tenant);
  }

  Status call(NettyChannelBuilder b, ClientInterceptor auth, String tenant) {
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
        new Object[] {null, "or present a client certificate issued by the callers' CA"},
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
  void aClientCertificateOfTheCallersCa_authenticates_andOneOfAnotherCa_isUnauthenticated() {
    assertThat(callWithCertificate(DevCertificates.CALLER, null, "default").getCode()).isEqualTo(Status.Code.OK);
    Status denied = callWithCertificate(DevCertificates.CALLER, null, "other");
    assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getDescription()).startsWith("caller 'cert:caller' is not granted tenant 'other'");
    // a certificate of the servers' CA, and the gateway's own client certificate (internal clients' CA)
    for (String other : List.of(DevCertificates.STRANGER, DevCertificates.GATEWAY_CLIENT)) {
      Status s = callWithCertificate(other, null, "default");
      assertThat(s.getCode()).as(other).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(s.getDescription()).as(other).isEqualTo("the client certificate 'CN=" + other + "' is not accepted: "
          + "it is not issued by a trusted callers' CA (callers' certificates must be issued by the CA in "
          + "recsys.gateway.auth.client-ca)");
    }
    // every credential shown must verify: a good token does not excuse a foreign certificate
    Status both = callWithCertificate(DevCertificates.STRANGER, fx.stack.issuer().bearer(DevIssuer.SUBJECT), "default");
    assertThat(both.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  /**
   * 2,000 hostile {@code authorization} headers on one connection: random printable text, mutated
   * valid tokens, unsigned ({@code alg: none}) and HMAC-with-the-public-key tokens, headers that
   * point at key URLs, broken base64 and JSON, and lengths up to 7,000 characters. Each must be
   * UNAUTHENTICATED with a message, and the gateway must still serve a valid caller afterwards.
   */
  @Test
  void hostileAuthorizationHeaders_areUnauthenticatedWithAReason_andTheGatewayKeepsServing() throws Exception {
    String valid = fx.stack.issuer().token(DevIssuer.SUBJECT);
    java.util.Random rnd = new java.util.Random(11);
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String payload = b64.encodeToString(("{\"iss\":\"" + DevIssuer.ISSUER + "\",\"sub\":\"" + DevIssuer.SUBJECT
        + "\",\"aud\":\"" + DevIssuer.AUDIENCE + "\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    List<String> headers = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      headers.add(switch (i % 10) {
        case 0 -> "Bearer " + printable(rnd, rnd.nextInt(300));
        case 1 -> printable(rnd, rnd.nextInt(100));
        case 2 -> { // a valid token with characters changed
          char[] t = valid.toCharArray();
          for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            t[rnd.nextInt(t.length)] = "AZaz09-_.".charAt(rnd.nextInt(9));
          }
          String m = new String(t);
          yield "Bearer " + (m.equals(valid) ? m + "x" : m);
        }
        case 3 -> "Bearer " + b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "." + payload + ".";
        case 4 -> "Bearer " + b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes()) + "." + payload + "."
            + b64.encodeToString(printable(rnd, 32).getBytes());
        case 5 -> "Bearer " + b64.encodeToString(("{\"alg\":\"RS256\",\"jku\":\"http://169.254.169.254/keys\",\"x5u\":"
            + "\"http://evil.test/x\",\"kid\":\"" + printable(rnd, 20).replace("\"", "") + "\"}").getBytes()) + "." + payload
            + "." + b64.encodeToString(printable(rnd, 256).getBytes());
        case 6 -> "Bearer " + printable(rnd, 5).replace(".", "") + "." + "{not base64}" + "." + "%%%";
        case 7 -> "Bearer " + b64.encodeToString(("{\"alg\":\"RS256\"" + ",\"a\":[".repeat(200)).getBytes()) + "." + payload
            + ".x";
        case 8 -> "Bearer " + "e".repeat(1000 + rnd.nextInt(6000));
        default -> (rnd.nextBoolean() ? "bearer " : "BEARER  ") + valid.substring(0, rnd.nextInt(valid.length()));
      });
    }
    ManagedChannel ch = fx.stack.channel("gateway").build();
    Map<String, Integer> counts = new java.util.TreeMap<>();
    List<String> bad = new ArrayList<>();
    try {
      for (String h : headers) {
        Status s;
        try {
          RecommendServiceGrpc.newBlockingStub(ch).withInterceptors(header(h)).withDeadlineAfter(20, TimeUnit.SECONDS)
              .recommend(request("default"));
          s = Status.OK;
        } catch (StatusRuntimeException e) {
          s = e.getStatus();
        }
        counts.merge(s.getCode().name(), 1, Integer::sum);
        if ((s.getCode() != Status.Code.UNAUTHENTICATED || s.getDescription() == null || s.getDescription().isBlank())
            && bad.size() < 10) {
          bad.add(s.getCode() + " '" + s.getDescription() + "' for header of " + h.length() + " chars: "
              + h.substring(0, Math.min(80, h.length())));
        }
      }
      System.out.println("hostile authorization headers: " + counts);
      assertThat(bad).isEmpty();
      assertThat(RecommendServiceGrpc.newBlockingStub(ch).withInterceptors(DevIssuer.bearerToken(valid))
          .withDeadlineAfter(20, TimeUnit.SECONDS).recommend(request("default")).getItemsCount()).isPositive();
    } finally {
      ch.shutdownNow();
    }
  }

  static String printable(java.util.Random rnd, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) (0x20 + rnd.nextInt(0x7f - 0x20)));
    }
    return b.toString();
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
  void aTenantsOwnLimits_applyToItsRequests_only() {
    ClientInterceptor e2e = fx.stack.issuer().bearer(DevIssuer.SUBJECT);
    Status other = call(e2e, "other"); // k = 5 > its max-k 3
    assertThat(other.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(other.getDescription()).isEqualTo("k: must be in 1..3, got 5");
    assertThat(call(e2e, "default").getCode()).isEqualTo(Status.Code.OK);
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
