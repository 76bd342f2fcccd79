package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the tests' stack does when a service cannot start: a port taken by another process, a bad setting. */
class LocalStackTest {
  @TempDir Path dir;

  @Test
  void ports_areFreeDistinctAndBelowTheEphemeralRange() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = Ports.free();
      assertThat(seen.add(port)).as("port %d given twice", port).isTrue();
      assertThat(port).isBetween(Ports.LOWEST, Ports.ephemeralLow() - 1);
      try (ServerSocket s = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void aPortTakenBeforeTheServiceBindsIt_theStackStartsAgainOnFreshPorts_andServes() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    Path store = dir.resolve("store");
    new Releases(store, StackFixture.ENCODER).publish("default", d, splits, 0.0);
    LocalStack stack = new LocalStack(LocalStack.repoRoot(), store, dir.resolve("logs"), Duration.ofMillis(500));
    int taken = stack.port("grounding");
    try (ServerSocket squatter = new ServerSocket(taken, 0, InetAddress.getLoopbackAddress());
         StackFixture fx = StackFixture.attach(stack.start())) {
      assertThat(stack.port("grounding")).isNotEqualTo(taken);
      assertThat(Files.readString(stack.log("grounding"))).contains("Port " + taken + " seems to be in use");
      RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant("default")
          .addAllHistory(splits.test().get(0).history()).setK(5).build());
      assertThat(r.getItemsCount()).isEqualTo(5);
      assertThat(r.getDegraded()).isFalse();
    }
  }

  @Test
  void aServiceThatCannotStart_failsTheStartWithItsOwnWords_andLeavesNoProcess() throws Exception {
    Dataset d = Releases.synthetic();
    Path store = dir.resolve("store");
    new Releases(store, StackFixture.ENCODER).publish("default", d, Releases.bigrec(d), 0.0);
    long before = ProcessHandle.current().descendants().count();
    LocalStack stack = new LocalStack(LocalStack.repoRoot(), store, dir.resolve("logs"), Duration.ofMillis(500))
        .set("generator", "quarkus.management.port=not-a-port");
    assertThatThrownBy(stack::start).isInstanceOfSatisfying(LocalStack.ServiceExited.class, e -> {
      assertThat(e.service()).isEqualTo("generator");
      assertThat(e.portTaken()).isFalse();
      assertThat(e.getMessage()).contains("generator exited with 1").contains("quarkus.management.port")
          .contains("not-a-port");
    });
    assertThat(ProcessHandle.current().descendants().count()).as("the services started are stopped").isEqualTo(before);
  }
}
