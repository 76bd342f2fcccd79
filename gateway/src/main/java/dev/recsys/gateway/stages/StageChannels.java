package dev.recsys.gateway.stages;

import dev.recsys.gateway.GatewayConfig;
import dev.recsys.serving.rpc.ReloadingClientTls;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.quarkus.grpc.runtime.GrpcClientInterceptorContainer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The gateway's channels to the generator and grounding, built here with grpc-java rather than
 * by Quarkus' {@code @GrpcClient}, for two reasons: Quarkus' Netty channel reads its TLS files
 * once (a renewed client certificate would need a restart), and it would override any other TLS
 * context given to it. Here the TLS material is {@link ReloadingClientTls}'s, re-read when the
 * files change, so a renewed certificate is shown from the next connection on; every address of
 * a stage's host name is balanced per call ({@code dns:///}, round robin: a headless Service's
 * pods). The interceptors Quarkus gives its own clients (OpenTelemetry's client spans, Micrometer's
 * client timers) are applied all the same.
 */
@Singleton
public class StageChannels {
  private static final Logger LOG = Logger.getLogger(StageChannels.class);

  private final ReloadingClientTls tls;
  private final ManagedChannel generator;
  private final ManagedChannel grounding;
  private final List<ClientInterceptor> interceptors;

  @Inject
  StageChannels(GatewayConfig config, GrpcClientInterceptorContainer interceptors) {
    this(config.stages(), interceptors.getSortedGlobalInterceptors());
  }

  StageChannels(GatewayConfig.Stages stages, List<ClientInterceptor> interceptors) {
    this.interceptors = List.copyOf(interceptors);
    GatewayConfig.StageTls t = stages.tls();
    ChannelCredentials credentials;
    if (t.plaintext()) {
      tls = null;
      credentials = InsecureChannelCredentials.create();
      LOG.warn("the gateway calls the generator and grounding in PLAINTEXT (recsys.gateway.stages.tls.plaintext=true, "
          + "the plaintext profile): development only");
    } else {
      tls = ReloadingClientTls.of(require(t.ca(), "ca", "RECSYS_TLS_CA"), require(t.cert(), "cert",
          "RECSYS_TLS_CLIENT_CERT"), require(t.key(), "key", "RECSYS_TLS_CLIENT_KEY"), t.reloadPeriod(),
          "recsys.gateway.stages.tls");
      credentials = tls.credentials();
      LOG.infof("the gateway calls the generator and grounding over mutual TLS: %s, checked every %s", tls.describe(),
          t.reloadPeriod());
    }
    generator = channel(stages.generator(), credentials);
    grounding = channel(stages.grounding(), credentials);
  }

  private static ManagedChannel channel(GatewayConfig.Endpoint stage, ChannelCredentials credentials) {
    return Grpc.newChannelBuilder("dns:///" + stage.host() + ":" + stage.port(), credentials)
        .defaultLoadBalancingPolicy("round_robin").build();
  }

  /** The generator's channel, with Quarkus' client interceptors. */
  public Channel generator() {
    return ClientInterceptors.intercept(generator, interceptors);
  }

  /** The grounding service's channel, with Quarkus' client interceptors. */
  public Channel grounding() {
    return ClientInterceptors.intercept(grounding, interceptors);
  }

  /** The underlying channels, for their connectivity state ({@link StageConnections}). */
  ManagedChannel managed(String stage) {
    return switch (stage) {
      case "generator" -> generator;
      case "grounding" -> grounding;
      default -> throw new IllegalArgumentException("no stage " + stage);
    };
  }

  private static Path require(Optional<Path> file, String key, String env) {
    return file.orElseThrow(() -> new IllegalStateException("the gateway reaches the generator and grounding over "
        + "mutual TLS: recsys.gateway.stages.tls." + key + " (" + env + ") is not set; 'recsys-cli dev-certs' makes "
        + "throw-away certificates, or run with QUARKUS_PROFILE=plaintext for development without TLS"));
  }

  @PreDestroy
  void close() throws InterruptedException {
    generator.shutdown();
    grounding.shutdown();
    generator.awaitTermination(5, TimeUnit.SECONDS);
    grounding.awaitTermination(5, TimeUnit.SECONDS);
    if (tls != null) {
      tls.close();
    }
  }
}
