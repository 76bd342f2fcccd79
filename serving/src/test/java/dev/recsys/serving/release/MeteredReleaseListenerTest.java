package dev.recsys.serving.release;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(registry.get("recsys.release.reloads").tag("outcome", "loaded").counter().count()).isEqualTo(2);
    assertThat(registry.get("recsys.release.reloads").tag("outcome", "refused").counter().count()).isEqualTo(1);
    assertThat(registry.find("recsys.release.serving").gauges()).singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("release")).isEqualTo("r2"));
    assertThat(registry.get("recsys.release.load").timer().count()).isEqualTo(2);
  }
}
