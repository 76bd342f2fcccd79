package dev.recsys.serving.release;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

  /**
   * Public keys whose signature on a release's manifest this service trusts: Ed25519 PEM files,
   * or folders of {@code *.pub} / {@code *.pem} files (any one key suffices, so a rotation trusts
   * the old and the new key for a while). Read again at every release, so a changed folder takes
   * effect without a restart. Required unless {@link #allowUnsigned()}.
   */
  Optional<List<String>> trustedKeys();

  /**
   * Serve releases nobody signed (development only): the service logs a warning at start-up.
   * Without trusted keys and without this, the service does not start.
   */
  @WithDefault("false")
  boolean allowUnsigned();
}
