package dev.recsys.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.gateway.auth.Caller;
import dev.recsys.gateway.auth.CallerAuthenticator;
import dev.recsys.gateway.auth.Credentials;
import dev.recsys.gateway.auth.JwtAuthenticator;
import dev.recsys.gateway.auth.VerifiedCallers;
import dev.recsys.serving.rpc.RequestException;
import io.grpc.Status;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real RS256 tokens minted with SmallRye JWT Build, verified by the gateway's authenticator. */
class TenantPolicyTest {
  static KeyPair issuerKey;
  static KeyPair otherKey;
  @TempDir static Path dir;
  static JwtAuthenticator jwt;

  @BeforeAll
  static void keys() throws NoSuchAlgorithmException, IOException {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    issuerKey = rsa.generateKeyPair();
    otherKey = rsa.generateKeyPair();
    Path pem = dir.resolve("issuer.pub");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(issuerKey.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    jwt = new JwtAuthenticator(pem, "https://issuer.test", "recsys-gateway", List.of("RS256"), 5);
  }

  static String token(String subject, KeyPair key, String issuer, String audience, Instant expires) {
    return "Bearer " + Jwt.issuer(issuer).subject(subject).audience(audience).expiresAt(expires)
        .issuedAt(Instant.now().minusSeconds(1)).sign(key.getPrivate());
  }

  static String valid(String subject) {
    return token(subject, issuerKey, "https://issuer.test", "recsys-gateway", Instant.now().plusSeconds(300));
  }

  static void refused(ThrowingCallable call, Status.Code code, String text) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RequestException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(text);
    });
  }

  @Test
  void aValidTokenNamesItsSubject() {
    assertThat(jwt.verify(valid("feed-service"))).isEqualTo(new Caller("feed-service"));
  }

  @Test
  void missingBadExpiredForeignAndMisaddressedTokensAreUnauthenticated() {
    Status.Code u = Status.Code.UNAUTHENTICATED;
    refused(() -> jwt.verify(null), u, "no bearer token: send the header 'authorization: Bearer <JWT>'");
    refused(() -> jwt.verify("Basic dXNlcjpwdw=="), u, "is not 'Bearer <JWT>'");
    refused(() -> jwt.verify("Bearer not.a.jwt"), u, "the bearer token was refused");
    refused(() -> jwt.verify("Bearer " + "a".repeat(20_000)), u, "has 20000 characters");
    refused(() -> jwt.verify(token("s", issuerKey, "https://issuer.test", "recsys-gateway",
        Instant.now().minusSeconds(600))), u, "no longer valid");
    refused(() -> jwt.verify(token("s", otherKey, "https://issuer.test", "recsys-gateway",
        Instant.now().plusSeconds(300))), u, "signature");
    refused(() -> jwt.verify(token("s", issuerKey, "https://evil.test", "recsys-gateway",
        Instant.now().plusSeconds(300))), u, "Issuer");
    refused(() -> jwt.verify(token("s", issuerKey, "https://issuer.test", "another-service",
        Instant.now().plusSeconds(300))), u, "Audience");
  }

  @Test
  void grantsDecideTheTenant_withTheSameMessageWhetherOrNotItExists() {
    TenantPolicy policy = new TenantPolicy(new VerifiedCallers(jwt, null), new TenantGrants(Map.of("feed-service", List.of("default"),
        "admin", List.of("*"))), new TenantQuotas(new TenantQuotas.Quota(100, 100), Map.of()), t -> null);
    Caller feed = policy.authenticate(Credentials.bearer(valid("feed-service")));
    policy.admit(feed, "default", true);
    policy.admit(policy.authenticate(Credentials.bearer(valid("admin"))), "shop", true);
    refused(() -> policy.admit(feed, "shop", true), Status.Code.PERMISSION_DENIED,
        "caller 'feed-service' is not granted tenant 'shop'");
    String existing = message(() -> policy.admit(feed, "shop", true));
    String unknown = message(() -> policy.admit(feed, "shop", false));
    assertThat(unknown).isEqualTo(existing);
    refused(() -> policy.admit(policy.authenticate(Credentials.bearer(valid("stranger"))), "default", true), Status.Code.PERMISSION_DENIED,
        "caller 'stranger' is not granted tenant 'default'");
  }

  @Test
  void aTenantOverItsBucketIsExhaustedWithARetryHint_andOtherTenantsAreNotAffected() {
    TenantQuotas quotas = new TenantQuotas(new TenantQuotas.Quota(1000, 1000),
        Map.of("small", new TenantQuotas.Quota(1, 3)));
    TenantPolicy policy = new TenantPolicy(CallerAuthenticator.NONE, new TenantGrants(Map.of()), quotas, t -> null);
    for (int i = 0; i < 3; i++) {
      policy.admit(Caller.ANONYMOUS, "small", true);
    }
    assertThatThrownBy(() -> policy.admit(Caller.ANONYMOUS, "small", true))
        .isInstanceOfSatisfying(RequestException.class, e -> {
          assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getMessage()).contains("tenant 'small' is over its quota of 1 requests/s (burst 3): retry in");
          long ms = Long.parseLong(e.trailers().get(RequestException.RETRY_PUSHBACK_MS));
          assertThat(ms).isBetween(1L, 1000L);
        });
    for (int i = 0; i < 50; i++) {
      policy.admit(Caller.ANONYMOUS, "default", true);
    }
    // an unknown tenant gets no bucket (its NOT_FOUND comes from the handler)
    for (int i = 0; i < 5; i++) {
      policy.admit(Caller.ANONYMOUS, "small-but-unknown", false);
    }
  }

  private static String message(ThrowingCallable call) {
    try {
      call.call();
    } catch (Throwable t) {
      return t.getMessage();
    }
    throw new AssertionError("not refused");
  }
}
