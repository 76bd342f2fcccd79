package dev.recsys.serving.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;

/**
 * For the services' in-process tests: a plaintext channel to the service under test, waiting until it serves, and
 * the check that a call is refused with a status whose message names what to fix.
 */
public final class LocalChannels {
  private LocalChannels() {}

  public static ManagedChannel plaintext(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /**
   * Makes the call until it is answered with anything but UNAVAILABLE (a service loads its first release in the
   * background after start-up), for at most 30 s.
   */
  public static void awaitServing(Runnable call) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      try {
        call.run();
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          return;
        }
        Thread.sleep(100);
      }
    }
  }

  /** Asserts that the call fails with this status code and a description that mentions the given text. */
  public static void assertRefused(Runnable call, Status.Code code, String mentions) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(mentions);
    });
  }
}
