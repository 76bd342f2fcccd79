package dev.recsys.gateway.stages;

import dev.recsys.gateway.GatewayConfig;
import dev.recsys.serving.rpc.ReloadingClientTls;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.quarkus.grpc.api.ChannelBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcClientConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.jboss.logging.Logger;

/**
 * The TLS of the gateway's channels to the generator and grounding: the servers' CA and the
 * gateway's client certificate from PEM files that are re-read every
 * {@code recsys.gateway.stage-tls.reload-period} ({@link ReloadingClientTls}), so a renewed client
 * certificate is shown from the next connection on, without a restart.
 *
 * <p>Quarkus builds these channels (grpc-java's Netty channel, which the headless Services' round
 * robin needs) and reads its own {@code quarkus.grpc.clients.*.ssl.*} files once; those are left
 * unset, and this customizer gives each TLS channel an SSL context over the reloading managers.
 * A channel configured {@code negotiation-type=plaintext} (the plaintext profile) is left alone.
 */
@Singleton
public class StageChannelTls implements ChannelBuilderCustomizer<NettyChannelBuilder> {
  private static final Logger LOG = Logger.getLogger(StageChannelTls.class);
  static final Set<String> STAGES = Set.of("generator", "grounding");

  private final GatewayConfig.StageTls config;
  private ReloadingClientTls tls;

  StageChannelTls(GatewayConfig config) {
    this.config = config.stageTls();
  }

  @Override
  public Map<String, Object> customize(String name, GrpcClientConfiguration client, NettyChannelBuilder builder) {
    if (STAGES.contains(name) && "tls".equalsIgnoreCase(client.negotiationType())) {
      builder.sslContext(sslContext(name));
    }
    return Map.of();
  }

  /** One SSL context per channel, all over the same reloading files. */
  synchronized SslContext sslContext(String channel) {
    if (tls == null) {
      tls = ReloadingClientTls.of(require(config.ca(), "ca", "RECSYS_TLS_CA"),
          require(config.cert(), "cert", "RECSYS_TLS_CLIENT_CERT"), require(config.key(), "key", "RECSYS_TLS_CLIENT_KEY"),
          config.reloadPeriod(), "recsys.gateway.stage-tls");
    }
    LOG.infof("%s channel over mutual TLS: %s, every %s", channel, tls.describe(), config.reloadPeriod());
    return sslContext(tls);
  }

  /**
   * The Netty client context grpc-java's defaults would build (ALPN h2, its ciphers), over these
   * managers, on the JDK's TLS: Netty's OpenSSL provider caches a key manager's material by alias,
   * so a renewed certificate under the same alias would never be shown.
   */
  static SslContext sslContext(ReloadingClientTls tls) {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
          .trustManager(tls.trustManager()).keyManager(tls.keyManager()).build();
    } catch (SSLException e) {
      throw new IllegalStateException("recsys.gateway.stage-tls: cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  private static Path require(java.util.Optional<Path> file, String key, String env) {
    return file.orElseThrow(() -> new IllegalStateException("the gateway reaches the generator and grounding over "
        + "mutual TLS: recsys.gateway.stage-tls." + key + " (" + env + ") is not set; 'recsys-cli dev-certs' makes "
        + "throw-away certificates, or run with QUARKUS_PROFILE=plaintext for development without TLS"));
  }

  @PreDestroy
  synchronized void close() {
    if (tls != null) {
      tls.close();
    }
  }
}
