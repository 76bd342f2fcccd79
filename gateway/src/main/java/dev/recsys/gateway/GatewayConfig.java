package dev.recsys.gateway;

import dev.recsys.serving.release.StoreConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed configuration of the gateway; every default lives here. */
@ConfigMapping(prefix = "recsys.gateway")
public interface GatewayConfig {
  /** The artifact store and channel this service serves from. */
  StoreConfig store();

  /** Deadline of one generator call (each retry gets a fresh one). */
  @WithDefault("1500ms")
  Duration generatorDeadline();

  /** Deadline of one grounding call (each retry gets a fresh one). */
  @WithDefault("1500ms")
  Duration groundingDeadline();

  /**
   * How long, at start-up, the gateway waits for its channels to the generator and grounding to
   * connect before it reports ready anyway ({@link dev.recsys.gateway.stages.StageConnections}).
   */
  @WithDefault("10s")
  Duration stageConnectTimeout();

  /**
   * Whether the gateway runs a few Recommend requests through its own path before it reports
   * ready ({@link dev.recsys.gateway.recommend.RecommendWarmUp}); off in the in-process tests,
   * whose scripted stages count every call.
   */
  @WithDefault("true")
  boolean warmUp();

  /** Where the generator and grounding are, and how the gateway's channels to them are secured. */
  Stages stages();

  /** Recommend calls served at once; more get RESOURCE_EXHAUSTED. */
  @WithDefault("64")
  int maxInFlight();

  /** Who may call, and for which tenants. */
  Auth auth();

  /** How many Recommend calls per second each tenant may make. */
  Quotas quotas();

  /** The stage channels ({@link dev.recsys.gateway.stages.StageChannels}). */
  interface Stages {
    Endpoint generator();

    Endpoint grounding();

    StageTls tls();
  }

  /** A stage's address: a host name (all of its addresses are balanced, round robin: a headless Service) and port. */
  interface Endpoint {
    String host();

    int port();
  }

  /**
   * Mutual TLS to the stages (they require the gateway's client certificate): PEM files re-read
   * when they change; unset only when {@code plaintext} (the plaintext profile).
   */
  interface StageTls {
    /** Call the stages without TLS (development only; logged at start-up). */
    @WithDefault("false")
    boolean plaintext();

    /** The CA of the generator's and grounding's server certificates. */
    Optional<java.nio.file.Path> ca();

    /** The gateway's client certificate, shown to the stages. */
    Optional<java.nio.file.Path> cert();

    /** Its private key (PKCS#8). */
    Optional<java.nio.file.Path> key();

    /** How often the files are re-read: a renewed certificate is used from the next connection on. */
    @WithDefault("60s")
    Duration reloadPeriod();
  }

  /** Caller authentication and tenant grants. */
  interface Auth {
    /**
     * {@code required}: every call proves who made it, with a bearer JWT ({@link #jwt()}) or a
     * TLS client certificate of {@link #clientCa()}, whichever are configured (at least one must
     * be); {@code none}: anyone who can reach the gateway may use any tenant (development only:
     * the gateway says so at start-up).
     */
    @WithDefault("required")
    String mode();

    Jwt jwt();

    /**
     * PEM certificate(s) of the CA that issues callers' client certificates (several: a
     * rotation). A caller presenting one is named {@code cert:<its subject CN>} in the grants.
     * Unset: client certificates are refused.
     */
    Optional<String> clientCa();

    /**
     * The tenants each caller may use: the caller's name (a token's subject {@code sub}, or
     * {@code cert:<CN>} for a client certificate) to a list of tenants, {@code *} for every tenant. A caller without a grant for the tenant it asks for gets
     * PERMISSION_DENIED, whether or not that tenant exists.
     */
    Map<String, List<String>> grants();
  }

  /** How bearer tokens are verified (SmallRye JWT). */
  interface Jwt {
    /**
     * The token issuer's public key: a PEM file or a JWKS file (several keys, chosen by the
     * token's {@code kid}: a rotation publishes the new key beside the old one).
     */
    Optional<String> publicKeyLocation();

    /** The {@code iss} every token must carry. */
    Optional<String> issuer();

    /** The {@code aud} every token must carry. */
    @WithDefault("recsys-gateway")
    String audience();

    /** Accepted signature algorithms. */
    @WithDefault("RS256,ES256")
    List<String> algorithms();

    /** Tolerated clock difference for {@code exp} and {@code iat}, in seconds. */
    @WithDefault("30")
    int clockSkewSeconds();
  }

  /** Per-tenant token buckets. */
  interface Quotas {
    /** Requests per second a tenant may sustain (the bucket's refill). */
    @WithDefault("200")
    int rate();

    /** Requests a tenant may send at once above its rate (the bucket's size). */
    @WithDefault("400")
    int burst();

    /** Tenants with their own rate and burst. */
    Map<String, Quota> tenants();

    interface Quota {
      int rate();

      int burst();
    }
  }
}
