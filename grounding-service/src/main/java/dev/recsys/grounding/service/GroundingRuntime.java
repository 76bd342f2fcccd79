package dev.recsys.grounding.service;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import dev.recsys.ranking.snapshot.SnapshotLoader;
import dev.recsys.serving.health.GrpcReadiness;
import dev.recsys.serving.release.ReleaseWatcher;
import dev.recsys.serving.release.ServiceReleases;
import dev.recsys.serving.rpc.TransportSecurity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;

/**
 * Owns the encoder and the release watcher of this service: loads every tenant's snapshot in the
 * background, hot-swaps new ones, and turns gRPC health SERVING once the first one is loaded.
 */
@ApplicationScoped
public class GroundingRuntime {
  private final GroundingConfig config;
  private final MeterRegistry registry;
  private final GrpcHealthStorage health;
  private Encoder encoder;
  private ReleaseWatcher<GroundingSnapshot> watcher;

  public GroundingRuntime(GroundingConfig config, MeterRegistry registry, GrpcHealthStorage health) {
    this.config = config;
    this.registry = registry;
    this.health = health;
  }

  void onStart(@Observes StartupEvent event) {
    GrpcReadiness.set(health, false, GroundingServiceGrpc.SERVICE_NAME);
    DjlDefaults.apply();
    encoder = new MiniLmEncoder();
    HnswItemIndex.Params params = new HnswItemIndex.Params(config.hnsw().m(), config.hnsw().efConstruction(),
        config.hnsw().ef(), Runtime.getRuntime().availableProcessors());
    Gauge.builder("recsys.grounding.index.items", this, r -> r.indexedItems()).register(registry);
    TransportSecurity.check("grounding", true);
    watcher = ServiceReleases.watch("grounding", config.store(),
        new SnapshotLoader(encoder, params, config.candidatePool(), config.defaultTexts(), config.llmEmbeddings()), registry,
        () -> GrpcReadiness.set(health, true, GroundingServiceGrpc.SERVICE_NAME));
  }

  void onStop(@Observes ShutdownEvent event) {
    if (watcher != null) {
      watcher.close();
    }
  }

  public ReleaseWatcher<GroundingSnapshot> releases() {
    return watcher;
  }

  private double indexedItems() {
    return watcher == null ? 0 : watcher.tenants().stream()
        .mapToInt(t -> watcher.current(t).map(r -> r.value().index().size()).orElse(0)).sum();
  }
}
