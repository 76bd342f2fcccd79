package dev.recsys.serving.release;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.signing.ReleaseTrust;
import dev.recsys.common.artifact.signing.TrustedKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;

/** The wiring every service shares: a watcher on the file store, with metrics and readiness. */
public final class ServiceReleases {
  private static final System.Logger LOG = System.getLogger(ServiceReleases.class.getName());

  private ServiceReleases() {}

  /**
   * Starts watching the store's channel for every tenant.
   *
   * @param stage       metric tag and log prefix, e.g. "grounding"
   * @param onFirstLoad called once, when the first release is loaded (turn readiness SERVING)
   */
  public static <T> ReleaseWatcher<T> watch(String stage, StoreConfig store, ReleaseLoader<T> loader,
      MeterRegistry registry, Runnable onFirstLoad) {
    ReleaseTrust trust = trust(stage, store);
    ReleaseWatcher<T> watcher = new ReleaseWatcher<>(new FileArtifactStore(Path.of(store.root())).trusting(trust),
        store.channel(), loader, new MeteredReleaseListener(stage, registry, onFirstLoad));
    return watcher.start(store.pollInterval());
  }

  /**
   * The service's release trust from its configuration, checked now: trusted keys that cannot be
   * read, or neither keys nor {@code allow-unsigned}, stop the start-up with what to configure.
   */
  static ReleaseTrust trust(String stage, StoreConfig store) {
    String prefix = "recsys." + stage + ".store.";
    List<String> keys = store.trustedKeys().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
    if (!keys.isEmpty()) {
      TrustedKeys trusted = new TrustedKeys(keys.stream().map(Path::of).toList());
      try {
        LOG.log(System.Logger.Level.INFO, stage + ": " + trusted.describe());
      } catch (ArtifactException e) {
        throw new IllegalStateException(prefix + "trusted-keys (RECSYS_TRUSTED_KEYS): " + e.getMessage(), e);
      }
      return trusted;
    }
    if (store.allowUnsigned()) {
      LOG.log(System.Logger.Level.WARNING, stage + ": " + ReleaseTrust.UNSIGNED_ALLOWED.describe() + " ("
          + prefix + "allow-unsigned=true; give " + prefix + "trusted-keys instead)");
      return ReleaseTrust.UNSIGNED_ALLOWED;
    }
    throw new IllegalStateException(prefix + "trusted-keys (RECSYS_TRUSTED_KEYS) is not set: give the public "
        + "key(s) the trainer signs releases with (recsys-trainer keygen writes a pair), or set " + prefix
        + "allow-unsigned=true (RECSYS_ALLOW_UNSIGNED=true) to serve unsigned releases in development");
  }
}
