package dev.recsys.serving.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The end-to-end proof is {@code HostileInputEndToEndTest}'s 5 MiB bodies; here, which answers get the message. */
class OversizedMessageStatusTest {
  private final OversizedMessageStatus status = new OversizedMessageStatus(Optional.empty());

  @Test
  void aTransportResourceExhaustedWithoutMessageGetsOneNamingTheLimit() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("grpc-status", "8");
    assertThat(status.explain(headers)).isTrue();
    assertThat(headers.get("grpc-message")).contains("262144 bytes").contains("256 KiB")
        .contains("max-inbound-message-size").doesNotContain("%");
  }

  @Test
  void theServicesOwnAnswersAreLeftAlone() {
    MultiMap quota = MultiMap.caseInsensitiveMultiMap().set("grpc-status", "8")
        .set("grpc-message", "tenant 'shop' is over its quota; retry after 120 ms");
    assertThat(status.explain(quota)).isFalse();
    assertThat(quota.get("grpc-message")).isEqualTo("tenant 'shop' is over its quota; retry after 120 ms");

    MultiMap other = MultiMap.caseInsensitiveMultiMap().set("grpc-status", "3");
    assertThat(status.explain(other)).isFalse();
    assertThat(other.get("grpc-message")).isNull();
    // a normal answer: headers first, the status comes later in the trailers
    MultiMap headersOfAnAnswer = MultiMap.caseInsensitiveMultiMap().set("content-type", "application/grpc");
    assertThat(status.explain(headersOfAnAnswer)).isFalse();
  }

  @Test
  void theConfiguredLimitIsTheOneNamed() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("grpc-status", "8");
    new OversizedMessageStatus(Optional.of(4L << 20)).explain(headers);
    assertThat(headers.get("grpc-message")).contains("4194304 bytes (4096 KiB");
  }
}
