package dev.recsys.gateway;

import dev.recsys.common.artifact.StoreConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration of the gateway; every default lives here. */
@ConfigMapping(prefix = "recsys.gateway")
public interface GatewayConfig {
  /** The artifact store and channel this service serves from. */
  StoreConfig store();

  /** Deadline of one generator call (each retry gets a fresh one). */
  @WithDefault("1500ms")
  Duration generatorDeadline();

  /** Deadline of one grounding call (each retry gets a fresh one). */
  @WithDefault("1500ms")
  Duration groundingDeadline();

  /** Most history items a request may carry. */
  @WithDefault("200")
  int maxHistory();

  /** Most texts a request may ask for. */
  @WithDefault("32")
  int maxNumCandidates();

  /** Recommend calls served at once; more get RESOURCE_EXHAUSTED. */
  @WithDefault("64")
  int maxInFlight();

  /** Most items a request may ask for. */
  @WithDefault("100")
  int maxK();
}
