package dev.recsys.serving.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping as SmallRye Config reads it from properties, as the three services do. */
class LimitsTest {
  static RequestLimits read(Map<String, String> properties) {
    SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(RequestLimits.class)
        .withSources(new MapBackedConfigSource("test", properties) { }).build();
    return config.getConfigMapping(RequestLimits.class);
  }

  @Test
  void theDefaults_areTheGlobalLimits_ofEveryTenantWithoutItsOwn() {
    RequestLimits config = read(Map.of());
    assertThat(Limits.global(config)).isEqualTo(new Limits(200, 100, 32, 2048, 512, 100.0));
    assertThat(Limits.forTenant(config, "default")).isEqualTo(Limits.global(config));
  }

  @Test
  void aTenantsOwnLimits_apply_butNeverAboveTheGlobalOnes() {
    RequestLimits config = read(Map.of("recsys.limits.max-k", "50", "recsys.limits.tenants.shop.max-k", "20",
        "recsys.limits.tenants.shop.max-history", "30", "recsys.limits.tenants.greedy.max-k", "500"));
    assertThat(Limits.forTenant(config, "shop")).isEqualTo(new Limits(30, 20, 32, 2048, 512, 100.0));
    assertThat(Limits.forTenant(config, "greedy").maxK()).as("capped by the global 50").isEqualTo(50);
    assertThat(Limits.forTenant(config, "other").maxK()).isEqualTo(50);
  }

  @Test
  void aLimitBelowOne_stopsTheStart_namingTheKeys() {
    assertThatThrownBy(() -> Limits.global(read(Map.of("recsys.limits.max-k", "0"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recsys.limits");
  }
}
