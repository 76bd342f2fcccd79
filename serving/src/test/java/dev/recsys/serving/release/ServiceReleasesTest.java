package dev.recsys.serving.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.signing.ReleaseKeys;
import dev.recsys.common.artifact.signing.ReleaseTrust;
import dev.recsys.common.artifact.signing.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's release trust comes from its configuration, and a service with none does not start. */
class ServiceReleasesTest {
  @TempDir Path keys;

  record Config(Optional<List<String>> trustedKeys, boolean allowUnsigned) implements StoreConfig {
    @Override
    public String root() {
      return "store";
    }

    @Override
    public String channel() {
      return "stable";
    }

    @Override
    public Duration pollInterval() {
      return Duration.ofSeconds(2);
    }
  }

  @Test
  void neitherKeysNorAllowUnsigned_stopsTheStartUpSayingWhatToConfigure() {
    assertThatThrownBy(() -> ServiceReleases.trust("grounding", new Config(Optional.empty(), false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recsys.grounding.store.trusted-keys (RECSYS_TRUSTED_KEYS) is not set")
        .hasMessageContaining("recsys.grounding.store.allow-unsigned=true");
    assertThatThrownBy(() -> ServiceReleases.trust("gateway", new Config(Optional.of(List.of(" ")), false)))
        .hasMessageContaining("recsys.gateway.store.trusted-keys");
  }

  @Test
  void allowUnsigned_isTheExplicitDevelopmentMode() {
    assertThat(ServiceReleases.trust("generator", new Config(Optional.empty(), true))).isSameAs(ReleaseTrust.UNSIGNED_ALLOWED);
  }

  @Test
  void trustedKeysWin_andUnreadableOnesStopTheStartUp() throws IOException {
    ReleaseKeys.writePublic(keys.resolve("a.pub"), ReleaseKeys.generate().getPublic());
    assertThat(ServiceReleases.trust("grounding", new Config(Optional.of(List.of(keys.toString())), true)))
        .isInstanceOf(TrustedKeys.class);
    assertThatThrownBy(() -> ServiceReleases.trust("grounding",
        new Config(Optional.of(List.of(keys.resolve("missing.pub").toString())), false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recsys.grounding.store.trusted-keys (RECSYS_TRUSTED_KEYS)")
        .hasMessageContaining("missing.pub: trusted key file or folder does not exist");
  }
}
