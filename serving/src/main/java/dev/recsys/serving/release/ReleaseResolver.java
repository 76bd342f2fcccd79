package dev.recsys.serving.release;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.serving.rpc.RequestException;
import java.util.List;

/**
 * The request-path rule every stage applies to find the release that serves a request: the
 * tenant's current release, or the one the request is pinned to (current or previous, see
 * {@link ReleaseWatcher}). A tenant never gets another tenant's release.
 */
public final class ReleaseResolver {
  private ReleaseResolver() {}

  /**
   * @param what    what the release holds, for messages ("generator model", "snapshot")
   * @param pinned  release id the request is pinned to; empty = current
   * @throws RequestException UNAVAILABLE before any release is loaded; NOT_FOUND for a tenant
   *     without one; PERMISSION_DENIED for another tenant's release; FAILED_PRECONDITION (with the
   *     loaded releases in a trailer) for a release this stage has not loaded
   */
  public static <T> LoadedRelease<T> resolve(ReleaseWatcher<T> watcher, String tenant, String pinned, String what) {
    LoadedRelease<T> current = watcher.current(tenant).orElse(null);
    if (current == null) {
      if (watcher.tenants().isEmpty()) {
        throw RequestException.unavailable("no " + what + " is loaded yet; retry shortly");
      }
      throw RequestException.notFound("tenant '" + tenant + "' has no published " + what);
    }
    if (pinned == null || pinned.isEmpty()) {
      return current;
    }
    return watcher.release(tenant, pinned).or(() -> watcher.ownerOf(pinned).filter(tenant::equals)
        // loaded for this tenant between the two reads (a swap just happened): look again
        .flatMap(own -> watcher.release(tenant, pinned))).orElseThrow(() -> {
      String owner = watcher.ownerOf(pinned).orElse(null);
      if (owner != null && !owner.equals(tenant)) {
        return RequestException.denied("release " + RequestException.quote(pinned) + " belongs to another tenant; "
            + "tenant " + RequestException.quote(tenant) + " may only use its own releases");
      }
      List<String> loaded = watcher.loaded(tenant);
      return RequestException.releaseNotLoaded("release " + RequestException.quote(pinned) + " is not loaded for tenant "
          + RequestException.quote(tenant) + " (loaded: " + String.join(", ", loaded)
          + "); pin the request to a loaded release", loaded);
    });
  }
}
