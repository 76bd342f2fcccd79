package dev.recsys.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration of the gateway; every default lives here. */
@ConfigMapping(prefix = "recsys.gateway")
public interface GatewayConfig {
  /** Root of the artifact store (the gateway reads catalogues from it to validate requests). */
  @WithDefault("store")
  String storeRoot();

  @WithDefault("stable")
  String channel();

  @WithDefault("2s")
  Duration pollInterval();

  /** Deadline of one generator call (each retry gets a fresh one). */
  @WithDefault("1500ms")
  Duration generatorDeadline();

  /** Deadline of one grounding call (each retry gets a fresh one). */
  @WithDefault("1500ms")
  Duration groundingDeadline();

  /** Most history items a request may carry. */
  @WithDefault("200")
  int maxHistory();

  /** Texts asked of the generator when the request does not say. */
  @WithDefault("4")
  int defaultNumCandidates();

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
