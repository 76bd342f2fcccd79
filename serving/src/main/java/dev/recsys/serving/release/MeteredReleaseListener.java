package dev.recsys.serving.release;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports release loads as logs and metrics, and tells the service when it first has something
 * to serve (readiness).
 *
 * <p>Metrics: {@code recsys_release_reloads_total{stage,tenant,outcome=loaded|refused}},
 * {@code recsys_release_load_seconds{stage,tenant}} (timer),
 * {@code recsys_release_loaded_timestamp_seconds{stage,tenant}} (when the served release was loaded)
 * and {@code recsys_release_serving{stage,tenant,release} 1} for the release each tenant serves
 * (an info metric: the series of the replaced release is removed).
 */
public final class MeteredReleaseListener implements ReleaseWatcher.Listener {
  private static final System.Logger LOG = System.getLogger(MeteredReleaseListener.class.getName());

  private final String stage;
  private final MeterRegistry registry;
  private final Runnable onFirstLoad;
  private final Map<String, AtomicLong> loadedAt = new ConcurrentHashMap<>();
  private final Map<String, Meter.Id> serving = new ConcurrentHashMap<>();
  private final Map<Tags, AtomicLong> reloads = new ConcurrentHashMap<>();
  private volatile boolean ready;

  public MeteredReleaseListener(String stage, MeterRegistry registry, Runnable onFirstLoad) {
    this.stage = stage;
    this.registry = registry;
    this.onFirstLoad = onFirstLoad;
  }

  @Override
  public void loaded(String tenant, String release, Duration took) {
    LOG.log(System.Logger.Level.INFO, stage + ": tenant " + tenant + " now serves release " + release + " (loaded in "
        + took.toMillis() + " ms)");
    Tags tags = Tags.of("stage", stage, "tenant", tenant);
    count(tags.and("outcome", "loaded"));
    registry.timer("recsys.release.load", tags).record(took);
    loadedAt.computeIfAbsent(tenant, t -> registry.gauge("recsys.release.loaded.timestamp.seconds", tags,
        new AtomicLong(), AtomicLong::get)).set(System.currentTimeMillis() / 1000);
    Meter.Id now = Gauge.builder("recsys.release.serving", () -> 1).tags(tags.and("release", release))
        .description("1 for the release a tenant is served from").register(registry).getId();
    Meter.Id before = serving.put(tenant, now);
    if (before != null && !before.equals(now)) {
      registry.remove(before);
    }
    if (!ready) {
      ready = true;
      onFirstLoad.run();
    }
  }

  @Override
  public void refused(String tenant, String release, Exception why) {
    LOG.log(System.Logger.Level.WARNING, stage + ": tenant " + tenant + ": refused release " + release
        + ", the previous one keeps serving: " + why.getMessage());
    count(Tags.of("stage", stage, "tenant", tenant, "outcome", "refused"));
  }

  /**
   * Counts a reload in a value this listener owns, read by the registry when it is scraped: a
   * plain counter's increments can be lost when a registry joins Quarkus' composite after the meter
   * was made (the start-up load, on a busy machine, was once missing from Prometheus' count).
   */
  private void count(Tags tags) {
    reloads.computeIfAbsent(tags, t -> {
      AtomicLong n = new AtomicLong();
      FunctionCounter.builder("recsys.release.reloads", n, AtomicLong::get).tags(t)
          .description("release loads by outcome (loaded, refused)").register(registry);
      return n;
    }).incrementAndGet();
  }

  /** Reloads counted with this outcome for the tenant (what the metric reports). */
  long reloads(String tenant, String outcome) {
    AtomicLong n = reloads.get(Tags.of("stage", stage, "tenant", tenant, "outcome", outcome));
    return n == null ? 0 : n.get();
  }

  public boolean ready() {
    return ready;
  }
}
