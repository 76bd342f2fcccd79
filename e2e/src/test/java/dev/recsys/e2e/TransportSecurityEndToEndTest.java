package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.cli.dev.DevCertificates;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on every hop as the stack runs by default: the gateway serves TLS only; the internal
 * stages serve TLS only and require a client certificate of the internal clients' CA — the
 * gateway's. A plaintext client, a client without a certificate, and one whose certificate comes
 * from another CA (even the servers' own) are refused by the TLS handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportSecurityEndToEndTest {
  StackFixture fx;
  Splits splits;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Dataset d = Releases.synthetic();
    splits = Releases.bigrec(d);
    fx = StackFixture.start(dir, Duration.ofMillis(500), r -> r.publish("default", d, splits, 0.0));
  }

  @AfterAll
  void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  /** One call with an empty body; OK or a status from the service means the transport let it through. */
  static Status call(ManagedChannel ch, String method) {
    try {
      return HostileInputEndToEndTest.call(ch, method, new byte[0]);
    } finally {
      ch.shutdownNow();
    }
  }

  NettyChannelBuilder to(String service) {
    return NettyChannelBuilder.forAddress("127.0.0.1", fx.stack.port(service));
  }

  @Test
  void theGatewayServesTlsOnly() {
    RecommendRequest req = RecommendRequest.newBuilder().setTenant("default")
        .addAllHistory(splits.test().getFirst().history()).setK(5).build();
    var answer = fx.recommend(req);
    assertThat(answer.getItemsCount()).isEqualTo(5);
    assertThat(answer.getDegraded()).as("the gateway reached both stages over mutual TLS: %s",
        answer.getDegradedReason()).isFalse();
    Status plain = call(to("gateway").usePlaintext().build(), "recsys.recommend.v1.RecommendService/Recommend");
    assertThat(plain.getCode()).as("%s", plain).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void theInternalStagesServeOnlyTheGatewaysClientCertificate() {
    for (String[] s : new String[][] {{"grounding", "recsys.grounding.v1.GroundingService/Ground"},
        {"generator", "recsys.generator.v1.GeneratorService/Generate"}}) {
      Status asGateway = call(to(s[0]).sslContext(fx.stack.tls(DevCertificates.GATEWAY_CLIENT)).build(), s[1]);
      assertThat(asGateway.getCode()).as("%s with the gateway's certificate: %s", s[0], asGateway)
          .isEqualTo(Status.Code.INVALID_ARGUMENT); // served: the empty request is refused by the service
      for (Status refused : new Status[] {
          call(to(s[0]).sslContext(fx.stack.tls(null)).build(), s[1]),
          call(to(s[0]).sslContext(fx.stack.tls(DevCertificates.STRANGER)).build(), s[1]),
          call(to(s[0]).usePlaintext().build(), s[1])}) {
        assertThat(refused.getCode()).as("%s: %s", s[0], refused).isEqualTo(Status.Code.UNAVAILABLE);
      }
    }
  }

  @Test
  void everyServiceSaysItServesTls_andHealthStaysPlainOnTheManagementPort() throws Exception {
    for (String s : new String[] {"gateway", "generator", "grounding"}) {
      String log = Files.readString(fx.stack.log(s));
      assertThat(log).contains(s + ": gRPC over TLS").contains("Listening on: https://127.0.0.1:" + fx.stack.port(s))
          .doesNotContain("PLAINTEXT");
      assertThat(fx.stack.http(s, "/q/health/ready")).contains("\"status\": \"UP\"");
    }
    assertThat(Files.readString(fx.stack.log("generator")))
        .contains("client certificates of RECSYS_TLS_CLIENT_CA required");
  }

  @Test
  void theGatewaysChannelsToTheStages_areConnectedOverMutualTlsBeforeItReportsReady() throws Exception {
    // the stages were ready before the gateway started: its warm-up connected both (TCP + TLS
    // handshake) before its readiness said UP, so the first Recommend pays for neither
    String ready = fx.stack.http("gateway", "/q/health/ready");
    assertThat(ready).contains("\"name\": \"stage-connections\"").contains("\"generator\": \"READY\"")
        .contains("\"grounding\": \"READY\"");
    assertThat(Files.readString(fx.stack.log("gateway"))).contains("stage channels connected in");
  }
}
