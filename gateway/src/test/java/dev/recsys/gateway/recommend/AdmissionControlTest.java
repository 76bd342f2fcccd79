package dev.recsys.gateway.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.serving.rpc.RequestException;
import io.grpc.Status;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {
  @Test
  void rejectsCallsOverTheLimit_withResourceExhausted_andAdmitsAgainAfterwards() throws Exception {
    AdmissionControl ac = new AdmissionControl(1);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> ac.run(() -> {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }));
    inside.await();
    assertThat(ac.inFlight()).isEqualTo(1);
    assertThatThrownBy(() -> ac.run(() -> 1)).isInstanceOfSatisfying(RequestException.class, e -> {
      assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getMessage()).contains("retry with backoff");
    });
    release.countDown();
    holder.join();
    assertThat(ac.run(() -> 2)).isEqualTo(2);
    assertThat(ac.inFlight()).isZero();
  }

  @Test
  void releasesThePermitWhenTheCallFails() {
    AdmissionControl ac = new AdmissionControl(1);
    assertThatThrownBy(() -> ac.run(() -> {
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(ac.run(() -> 3)).isEqualTo(3);
  }
}
