package dev.recsys.common.artifact;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/** The wiring every service shares: a watcher on the file store, with metrics and readiness. */
public final class ServiceReleases {
  private ServiceReleases() {}

  /**
   * Starts watching the store's channel for every tenant.
   *
   * @param stage       metric tag and log prefix, e.g. "grounding"
   * @param onFirstLoad called once, when the first release is loaded (turn readiness SERVING)
   */
  public static <T> ReleaseWatcher<T> watch(String stage, StoreConfig store, ReleaseLoader<T> loader,
      MeterRegistry registry, Runnable onFirstLoad) {
    ReleaseWatcher<T> watcher = new ReleaseWatcher<>(new FileArtifactStore(Path.of(store.root())), store.channel(),
        loader, new MeteredReleaseListener(stage, registry, onFirstLoad));
    return watcher.start(store.pollInterval());
  }
}
