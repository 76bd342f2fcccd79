package dev.recsys.common.artifact;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Where a service finds its releases; a config group every service embeds as
 * {@code recsys.<service>.store.*}.
 */
public interface StoreConfig {
  /** Root folder of the artifact store the trainer publishes to (a shared volume in Kubernetes). */
  @WithDefault("store")
  String root();

  /** Channel whose pointer selects the served release of each tenant. */
  @WithDefault("stable")
  String channel();

  /** How often the channel pointers are checked. */
  @WithDefault("2s")
  Duration pollInterval();
}
