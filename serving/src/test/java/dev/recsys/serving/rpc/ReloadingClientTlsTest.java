package dev.recsys.serving.rpc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad TLS files are refused when the client is made, naming the setting and the file (the reloading itself: StageChannelTlsTest). */
class ReloadingClientTlsTest {
  @TempDir Path dir;

  @Test
  void aMissingFile_aHalfPair_aMalformedPem_andABadPeriod_areRefusedByName() throws Exception {
    Path missing = dir.resolve("nowhere.crt");
    assertThatThrownBy(() -> ReloadingClientTls.of(missing, null, null, Duration.ofSeconds(1), "my.tls"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("my.tls").hasMessageContaining("nowhere.crt");

    Path garbage = Files.writeString(dir.resolve("garbage.crt"), "-----BEGIN CERTIFICATE-----\nnot base64 !\n");
    assertThatThrownBy(() -> ReloadingClientTls.of(garbage, null, null, Duration.ofSeconds(1), "my.tls"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read").hasMessageContaining("garbage.crt");

    assertThatThrownBy(() -> ReloadingClientTls.of(null, garbage, null, Duration.ofSeconds(1), "my.tls"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("go together");

    assertThatThrownBy(() -> ReloadingClientTls.of(null, null, null, Duration.ZERO, "my.tls"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reload period");
  }
}
