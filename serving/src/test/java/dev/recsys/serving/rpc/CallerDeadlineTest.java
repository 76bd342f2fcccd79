package dev.recsys.serving.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallerDeadlineTest {
  @Test
  void grpcTimeoutHeaders_parseAsTheWireFormatSays_andAnythingElseMeansNoDeadline() {
    assertThat(CallerDeadline.timeoutNanos("2H")).isEqualTo(TimeUnit.HOURS.toNanos(2));
    assertThat(CallerDeadline.timeoutNanos("3M")).isEqualTo(TimeUnit.MINUTES.toNanos(3));
    assertThat(CallerDeadline.timeoutNanos("10S")).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    assertThat(CallerDeadline.timeoutNanos("499999m")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(499_999));
    assertThat(CallerDeadline.timeoutNanos("99999999u")).isEqualTo(TimeUnit.MICROSECONDS.toNanos(99_999_999));
    assertThat(CallerDeadline.timeoutNanos("5n")).isEqualTo(5);
    for (String bad : new String[] {null, "", "S", "10", "10x", "-1S", "1.5S", "123456789S"}) {
      assertThat(CallerDeadline.timeoutNanos(bad)).as("'%s'", bad).isEqualTo(-1);
    }
  }
}
