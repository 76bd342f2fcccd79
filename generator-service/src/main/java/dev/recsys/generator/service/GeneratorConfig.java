package dev.recsys.generator.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration of the generator service; every default lives here. */
@ConfigMapping(prefix = "recsys.generator")
public interface GeneratorConfig {
  /** Root of the artifact store the trainer publishes to. */
  @WithDefault("store")
  String storeRoot();

  /** Channel whose pointer selects the served release, per tenant. */
  @WithDefault("stable")
  String channel();

  /** How often the channel pointers are checked. */
  @WithDefault("2s")
  Duration pollInterval();

  /** Most texts one request may ask for. */
  @WithDefault("32")
  int maxCandidates();

  /** Most history items one request may carry. */
  @WithDefault("200")
  int maxHistory();
}
