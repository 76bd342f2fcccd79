package dev.recsys.gateway.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.cli.dev.DevCertificates;
import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.gateway.GatewayConfig;
import dev.recsys.serving.rpc.ReloadingClientTls;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's stage channels ({@link StageChannels}, as the gateway builds them) over real
 * mutual TLS (a grpc-java Netty server requiring a client certificate of the internal clients'
 * CA, as generator and grounding do): a client certificate renewed in place is shown by the same,
 * long-lived channel at its next connection, without a restart; a stage whose certificate is not
 * of the servers' CA is refused; bad files are refused at start-up.
 */
class StageChannelsTest {
  @TempDir Path dir;

  @Test
  void aRenewedClientCertificateIsShownAtTheNextConnection_withoutARestart() throws Exception {
    DevCertificates certs = DevCertificates.in(dir.resolve("certs"));
    Path cert = dir.resolve("client.crt");
    Path key = dir.resolve("client.key");
    // before the renewal: a certificate the stage does not accept (issued by the servers' CA, not the clients')
    install(certs, DevCertificates.STRANGER, cert, key, Instant.now().minusSeconds(60));
    Server stage = stage(certs, "grounding");
    StageChannels channels = new StageChannels(stages(stage.getPort(), certs.ca(), cert, key, Duration.ofMillis(100)),
        List.of());
    try {
      assertThat(call(channels)).as("refused in the handshake").isEqualTo(Status.Code.UNAVAILABLE);
      install(certs, DevCertificates.GATEWAY_CLIENT, cert, key, Instant.now());
      Status.Code code = Status.Code.UNAVAILABLE;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (code != Status.Code.OK && System.nanoTime() < deadline) {
        Thread.sleep(100);
        channels.managed("grounding").resetConnectBackoff();
        code = call(channels);
      }
      assertThat(code).as("the same channel, after the files were renewed").isEqualTo(Status.Code.OK);
    } finally {
      channels.close();
      stage.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void halfWayThroughARenewal_theLastGoodPairStaysInUse() throws Exception {
    DevCertificates certs = DevCertificates.in(dir.resolve("certs"));
    Path cert = dir.resolve("client.crt");
    Path key = dir.resolve("client.key");
    install(certs, DevCertificates.STRANGER, cert, key, Instant.now().minusSeconds(60));
    try (ReloadingClientTls tls = ReloadingClientTls.of(certs.ca(), cert, key, Duration.ofMillis(100), "test")) {
      // the new certificate beside the old key: not a pair, not used
      Files.copy(certs.cert(DevCertificates.GATEWAY_CLIENT), cert, StandardCopyOption.REPLACE_EXISTING);
      Thread.sleep(500);
      assertThat(subject(tls)).isEqualTo("CN=" + DevCertificates.STRANGER);
      Files.copy(certs.key(DevCertificates.GATEWAY_CLIENT), key, StandardCopyOption.REPLACE_EXISTING);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!subject(tls).equals("CN=" + DevCertificates.GATEWAY_CLIENT) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(subject(tls)).as("the pair once complete").isEqualTo("CN=" + DevCertificates.GATEWAY_CLIENT);
    }
  }

  private static String subject(ReloadingClientTls tls) {
    return tls.keyManager().getCertificateChain("default")[0].getSubjectX500Principal().getName();
  }

  @Test
  void aCertificateWithAnotherPairsKey_orNoCa_isRefusedAtStartUp_byName() {
    DevCertificates certs = DevCertificates.in(dir.resolve("certs"));
    assertThatThrownBy(() -> new StageChannels(stages(1, certs.ca(), certs.cert(DevCertificates.GATEWAY_CLIENT),
        certs.key(DevCertificates.STRANGER), Duration.ofSeconds(60)), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recsys.gateway.stages.tls")
        .hasMessageContaining("stranger.key is not the key of the certificate");
    assertThatThrownBy(() -> new StageChannels(stages(1, null, certs.cert(DevCertificates.GATEWAY_CLIENT),
        certs.key(DevCertificates.GATEWAY_CLIENT), Duration.ofSeconds(60)), List.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("recsys.gateway.stages.tls.ca (RECSYS_TLS_CA)");
  }

  @Test
  void aStageWhoseCertificateIsNotOfTheServersCaIsRefused() throws Exception {
    DevCertificates certs = DevCertificates.in(dir.resolve("certs"));
    // the stage shows a certificate of the callers' CA, which the gateway does not trust for stages
    Server stage = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
        TlsServerCredentials.newBuilder().keyManager(certs.cert(DevCertificates.CALLER).toFile(),
            certs.key(DevCertificates.CALLER).toFile()).build()).addService(new Grounding()).build().start();
    StageChannels channels = new StageChannels(stages(stage.getPort(), certs.ca(),
        certs.cert(DevCertificates.GATEWAY_CLIENT), certs.key(DevCertificates.GATEWAY_CLIENT), Duration.ofSeconds(60)),
        List.of());
    try {
      assertThat(call(channels)).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      channels.close();
      stage.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The gateway's stage settings: grounding (and generator) at this port of localhost, mutual TLS with these files. */
  static GatewayConfig.Stages stages(int port, Path ca, Path cert, Path key, Duration reload) {
    GatewayConfig.Endpoint endpoint = new GatewayConfig.Endpoint() {
      @Override
      public String host() {
        return "localhost";
      }

      @Override
      public int port() {
        return port;
      }
    };
    GatewayConfig.StageTls tls = new GatewayConfig.StageTls() {
      @Override
      public boolean plaintext() {
        return false;
      }

      @Override
      public Optional<Path> ca() {
        return Optional.ofNullable(ca);
      }

      @Override
      public Optional<Path> cert() {
        return Optional.ofNullable(cert);
      }

      @Override
      public Optional<Path> key() {
        return Optional.ofNullable(key);
      }

      @Override
      public Duration reloadPeriod() {
        return reload;
      }
    };
    return new GatewayConfig.Stages() {
      @Override
      public GatewayConfig.Endpoint generator() {
        return endpoint;
      }

      @Override
      public GatewayConfig.Endpoint grounding() {
        return endpoint;
      }

      @Override
      public GatewayConfig.StageTls tls() {
        return tls;
      }
    };
  }

  /** A stage as generator and grounding run: its server certificate, client certificates of the clients' CA required. */
  private static Server stage(DevCertificates certs, String name) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), TlsServerCredentials.newBuilder()
            .keyManager(certs.cert(name).toFile(), certs.key(name).toFile()).trustManager(certs.clientsCa().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build())
        .addService(new Grounding()).build().start();
  }

  /** Renews the files in place, as cert-manager does, with a distinct modification time. */
  private static void install(DevCertificates certs, String name, Path cert, Path key, Instant mtime) throws Exception {
    Files.copy(certs.cert(name), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(certs.key(name), key, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(cert, FileTime.from(mtime));
    Files.setLastModifiedTime(key, FileTime.from(mtime));
  }

  private static Status.Code call(StageChannels channels) {
    try {
      GroundingServiceGrpc.newBlockingStub(channels.grounding()).withDeadlineAfter(5, TimeUnit.SECONDS)
          .ground(GroundRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static final class Grounding extends GroundingServiceGrpc.GroundingServiceImplBase {
    @Override
    public void ground(GroundRequest request, StreamObserver<GroundResponse> out) {
      out.onNext(GroundResponse.getDefaultInstance());
      out.onCompleted();
    }
  }
}
