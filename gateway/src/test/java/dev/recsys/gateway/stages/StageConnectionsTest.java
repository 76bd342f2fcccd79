package dev.recsys.gateway.stages;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Real gRPC channels and a real server that appears late, as a stage still starting does. */
class StageConnectionsTest {

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static ManagedChannel channel(int port) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
  }

  @Test
  void aStageThatStartsLate_isConnectedBeforeTheGatewayReportsReady() throws Exception {
    int port = freePort();
    ManagedChannel ch = channel(port);
    Server server = null;
    try {
      StageConnections connections = new StageConnections(Duration.ofSeconds(20), Map.<String, Channel>of("generator", ch));
      assertThat(connections.call().getStatus()).as("not ready while connecting").isEqualTo(HealthCheckResponse.Status.DOWN);
      CompletableFuture<Boolean> warm = CompletableFuture.supplyAsync(connections::warmUp);
      Thread.sleep(1500); // the first attempts fail: nothing listens yet
      assertThat(warm).isNotDone();
      server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()).build().start();
      assertThat(warm.get(20, TimeUnit.SECONDS)).isTrue();
      HealthCheckResponse health = connections.call();
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
      assertThat(health.getData().orElseThrow()).containsEntry("generator", "READY");
    } finally {
      ch.shutdownNow();
      if (server != null) {
        server.shutdownNow();
      }
    }
  }

  @Test
  void aStageThatStaysAway_doesNotKeepTheGatewayOutOfService() throws Exception {
    ManagedChannel ch = channel(freePort());
    try {
      StageConnections connections = new StageConnections(Duration.ofMillis(600), Map.<String, Channel>of("grounding", ch));
      assertThat(connections.warmUp()).isFalse();
      HealthCheckResponse health = connections.call();
      assertThat(health.getStatus()).as("ready after the window: its answers are degraded, and say so")
          .isEqualTo(HealthCheckResponse.Status.UP);
      assertThat(health.getData().orElseThrow().get("grounding")).isNotEqualTo("READY");
    } finally {
      ch.shutdownNow();
    }
  }
}
