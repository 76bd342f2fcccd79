package dev.recsys.generator.service;

import dev.recsys.common.artifact.StoreConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Typed configuration of the generator service; every default lives here. */
@ConfigMapping(prefix = "recsys.generator")
public interface GeneratorConfig {
  /** The artifact store and channel this service serves from. */
  StoreConfig store();

  /** Most texts one request may ask for. */
  @WithDefault("32")
  int maxCandidates();

  /** Most history items one request may carry. */
  @WithDefault("200")
  int maxHistory();
}
