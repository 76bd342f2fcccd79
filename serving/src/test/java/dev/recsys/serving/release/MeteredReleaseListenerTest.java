package dev.recsys.serving.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MeteredReleaseListenerTest {
  @Test
  void countsLoadsAndRefusals_servingNamesOnlyTheCurrentRelease_readyOnce() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger ready = new AtomicInteger();
    MeteredReleaseListener l = new MeteredReleaseListener("grounding", registry, ready::incrementAndGet);
    l.loaded("acme", "r1", Duration.ofMillis(30));
    l.loaded("acme", "r2", Duration.ofMillis(40));
    l.refused("acme", "r3", new IllegalStateException("corrupt"));
    assertThat(ready.get()).isEqualTo(1);
    assertThat(registry.get("recsys.release.reloads").tag("outcome", "loaded").functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("recsys.release.reloads").tag("outcome", "refused").functionCounter().count()).isEqualTo(1);
    assertThat(registry.find("recsys.release.serving").gauges()).singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("release")).isEqualTo("r2"));
    assertThat(registry.get("recsys.release.load").timer().count()).isEqualTo(2);
  }

  @Test
  void aRegistryThatJoinsAfterTheFirstLoadStillReportsEveryLoad() {
    // as Quarkus' composite may get Prometheus' registry after the start-up load was counted
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    MeteredReleaseListener l = new MeteredReleaseListener("grounding", composite, () -> { });
    l.loaded("acme", "r1", Duration.ofMillis(30));
    SimpleMeterRegistry late = new SimpleMeterRegistry();
    composite.add(late);
    l.loaded("acme", "r2", Duration.ofMillis(40));
    assertThat(late.get("recsys.release.reloads").tag("outcome", "loaded").functionCounter().count()).isEqualTo(2);
    assertThat(l.reloads("acme", "loaded")).isEqualTo(2);
  }
}
