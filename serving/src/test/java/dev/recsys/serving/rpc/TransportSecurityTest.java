package dev.recsys.serving.rpc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class TransportSecurityTest {
  static Config config(Map<String, String> values) {
    return new SmallRyeConfigBuilder().withDefaultValues(values).build();
  }

  @Test
  void withoutACertificateAndWithoutThePlaintextProfile_theServiceDoesNotStart() {
    assertThatThrownBy(() -> TransportSecurity.check("grounding", true, config(Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("grounding serves gRPC over TLS: RECSYS_TLS_CERT and RECSYS_TLS_KEY")
        .hasMessageContaining("RECSYS_TLS_CLIENT_CA").hasMessageContaining("QUARKUS_PROFILE=plaintext");
    assertThatThrownBy(() -> TransportSecurity.check("gateway", false,
        config(Map.of("recsys.transport.certificate", " ")))).hasMessageNotContaining("RECSYS_TLS_CLIENT_CA");
  }

  @Test
  void aCertificateOrTheExplicitPlaintextProfile_starts() {
    assertThatCode(() -> TransportSecurity.check("gateway", false,
        config(Map.of("recsys.transport.certificate", "/etc/tls/tls.crt")))).doesNotThrowAnyException();
    assertThatCode(() -> TransportSecurity.check("gateway", false,
        config(Map.of("recsys.transport.plaintext", "true")))).doesNotThrowAnyException();
  }
}
