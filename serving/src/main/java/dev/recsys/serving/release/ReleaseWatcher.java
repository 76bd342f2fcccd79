package dev.recsys.serving.release;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ArtifactStore;
import dev.recsys.common.artifact.ChannelPointer;
import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.Names;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps, for every tenant, the release a channel points to loaded and ready to serve, and swaps
 * in a new one without a failed request.
 *
 * <p>Hot-swap protocol, per tenant, on a background thread:
 * <ol>
 *   <li>read the channel pointer; nothing to do if it names the release already served, or one
 *       already refused;</li>
 *   <li>verify the release (manifest format, every file's size and SHA-256);</li>
 *   <li>build the service's value off to the side with the {@link ReleaseLoader} (requests keep
 *       using the old value meanwhile);</li>
 *   <li>publish it with one atomic reference write; requests that started before keep the old
 *       value until they finish, after which the garbage collector releases it;</li>
 *   <li>if step 2 or 3 fails the release is refused, the old value keeps serving, and the refusal
 *       is reported once (until the pointer moves again).</li>
 * </ol>
 *
 * <p>Rollouts: the release replaced in step 4 stays loaded as the tenant's <em>previous</em>
 * release, so that a request pinned to it (a gateway keeping one request on one release while
 * the stages swap at different moments) is still served. The release before that is retired:
 * if its value is {@link AutoCloseable} (native model memory) it is closed
 * {@link #RETIRE_DELAY} later, long after any request that could still hold it has ended.
 */
public final class ReleaseWatcher<T> implements AutoCloseable {
  /** What the watcher reports; services turn it into logs and metrics. */
  public interface Listener {
    void loaded(String tenant, String release, Duration took);

    void refused(String tenant, String release, Exception why);
  }

  private static final System.Logger LOG = System.getLogger(ReleaseWatcher.class.getName());

  private final ArtifactStore store;
  private final String channel;
  private final ReleaseLoader<T> loader;
  private final Listener listener;
  /** How long a retired value stays open for requests that may still hold it (deadlines are seconds). */
  public static final Duration RETIRE_DELAY = Duration.ofSeconds(60);

  /** A tenant's loaded releases: the one the channel points to, and the one it replaced. */
  private record Served<T>(LoadedRelease<T> current, LoadedRelease<T> previous) {}

  private final Map<String, Served<T>> served = new ConcurrentHashMap<>();
  private final Map<String, String> refused = new ConcurrentHashMap<>();
  /** Per tenant, the sequence of the newest channel pointer followed: an older one is a replayed rollback. */
  private final Map<String, Long> sequences = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private final Duration retireDelay;

  public ReleaseWatcher(ArtifactStore store, String channel, ReleaseLoader<T> loader, Listener listener) {
    this(store, channel, loader, listener, RETIRE_DELAY);
  }

  /** @param retireDelay how long a retired release's value stays open before it is closed */
  public ReleaseWatcher(ArtifactStore store, String channel, ReleaseLoader<T> loader, Listener listener,
      Duration retireDelay) {
    this.retireDelay = retireDelay;
    this.store = store;
    this.channel = Names.requireSegment("channel", channel);
    this.loader = loader;
    this.listener = listener;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "release-watcher-" + channel);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Polls every {@code interval}, the first time at once, all on the watcher's own thread: a
   * service starts answering health checks (NOT_SERVING) while its first release loads.
   */
  public ReleaseWatcher<T> start(Duration interval) {
    poller.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The release served for a tenant, if one is loaded. Lock-free; safe on the request path. */
  public Optional<LoadedRelease<T>> current(String tenant) {
    Served<T> s = served.get(tenant);
    return s == null ? Optional.empty() : Optional.of(s.current());
  }

  /**
   * A loaded release of a tenant by id: the current one or the previous one (kept loaded during a
   * rollout). Lock-free; safe on the request path.
   */
  public Optional<LoadedRelease<T>> release(String tenant, String release) {
    Served<T> s = served.get(tenant);
    if (s == null) {
      return Optional.empty();
    }
    if (s.current().release().equals(release)) {
      return Optional.of(s.current());
    }
    return s.previous() != null && s.previous().release().equals(release) ? Optional.of(s.previous()) : Optional.empty();
  }

  /** Ids of a tenant's loaded releases, current first. */
  public List<String> loaded(String tenant) {
    Served<T> s = served.get(tenant);
    if (s == null) {
      return List.of();
    }
    return s.previous() == null ? List.of(s.current().release())
        : List.of(s.current().release(), s.previous().release());
  }

  /** The tenant that has {@code release} loaded, if any (to tell "someone else's" from "unknown"). */
  public Optional<String> ownerOf(String release) {
    return served.entrySet().stream().filter(e -> loaded(e.getKey()).contains(release)).map(Map.Entry::getKey)
        .findFirst();
  }

  /** Tenants with a loaded release. */
  public Set<String> tenants() {
    return Set.copyOf(served.keySet());
  }

  /** One pass over all tenants (steps 1-5). Public so that tests can drive it deterministically. */
  public synchronized void pollOnce() {
    Set<String> tenants;
    try {
      tenants = store.tenants();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot list tenants of the artifact store: " + e.getMessage());
      return;
    }
    for (String tenant : tenants) {
      pollTenant(tenant);
    }
  }

  private void pollTenant(String tenant) {
    ChannelPointer pointer;
    try {
      Optional<ChannelPointer> read = store.channelPointer(tenant, channel);
      if (read.isEmpty()) {
        return;
      }
      pointer = read.get();
    } catch (ArtifactException e) {
      refuseOnce(tenant, "(channel " + channel + ")", e); // an unsigned, untrusted or malformed pointer
      return;
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "tenant " + tenant + ": cannot read channel " + channel + ": " + e.getMessage());
      return;
    }
    String release = pointer.release();
    long followed = sequences.getOrDefault(tenant, Long.MIN_VALUE);
    if (pointer.sequence() < followed) {
      refuseOnce(tenant, release, new ArtifactException("tenant " + tenant + ", channel " + channel + ": the pointer "
          + "to " + release + " has sequence " + pointer.sequence() + ", older than the pointer already followed ("
          + followed + "): an old pointer file put back is a rollback nobody signed (to roll back, promote the "
          + "release again)", null));
      return;
    }
    Served<T> was = served.get(tenant);
    LoadedRelease<T> now = was == null ? null : was.current();
    if (now != null && now.release().equals(release)) {
      sequences.put(tenant, Math.max(followed, pointer.sequence()));
      return;
    }
    if (release.equals(refused.get(tenant))) {
      return;
    }
    long start = System.nanoTime();
    try {
      ReleaseManifest manifest = store.verify(tenant, release);
      T value = loader.load(tenant, new ReleaseLayout(store.releaseDir(tenant, release), manifest));
      served.put(tenant, new Served<>(
          new LoadedRelease<>(tenant, release, store.releaseDir(tenant, release), manifest, value), now));
      if (was != null && was.previous() != null) {
        retire(was.previous());
      }
      refused.remove(tenant);
      sequences.put(tenant, pointer.sequence());
      listener.loaded(tenant, release, Duration.ofNanos(System.nanoTime() - start));
    } catch (Exception e) {
      refused.put(tenant, release);
      listener.refused(tenant, release, e);
    }
  }

  /** Refuses a pointer or release, telling the listener once for each distinct problem. */
  private void refuseOnce(String tenant, String what, Exception why) {
    String key = what + "\n" + why.getMessage();
    if (!key.equals(refused.get(tenant))) {
      refused.put(tenant, key);
      listener.refused(tenant, what, why);
    }
  }

  private void retire(LoadedRelease<T> old) {
    if (old.value() instanceof AutoCloseable closeable) {
      poller.schedule(() -> {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "closing retired release " + old.release() + ": " + e.getMessage());
        }
      }, retireDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void pollQuietly() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "release watcher pass failed", e);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
