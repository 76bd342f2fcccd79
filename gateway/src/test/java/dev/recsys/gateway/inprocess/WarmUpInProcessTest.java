package dev.recsys.gateway.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.gateway.recommend.RecommendWarmUp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

/**
 * The warm-up against stages that never report SERVING (the scripted stages serve no gRPC health
 * service): it gives up after {@code stage-connect-timeout} without sending a request, and the
 * gateway reports ready anyway. (The warm-up that runs is tested end to end, against the real
 * stages: {@code GatewayWarmUpEndToEndTest}.)
 */
@QuarkusTest
@QuarkusTestResource(InProcessStack.class)
@TestProfile(WarmUpInProcessTest.WarmUpOn.class)
class WarmUpInProcessTest {
  public static class WarmUpOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("recsys.gateway.warm-up", "true");
    }
  }

  @InProcessStack.Fakes FakeStages stages;

  @Inject
  @Readiness
  RecommendWarmUp warmUp;

  @Test
  void stagesThatNeverReportServing_noWarmUpRequest_andReadyAfterTheConnectTimeout() throws Exception {
    long end = System.nanoTime() + 30_000_000_000L;
    while (!warmUp.settled() && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    HealthCheckResponse health = warmUp.call();
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(health.getData().orElseThrow().get("outcome").toString())
        .startsWith("skipped: the stages did not report SERVING");
    assertThat(stages.generateCalls).isEmpty();
    assertThat(stages.groundCalls).isEmpty();
  }
}
