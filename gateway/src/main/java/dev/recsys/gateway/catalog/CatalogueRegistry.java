package dev.recsys.gateway.catalog;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.gateway.GatewayConfig;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.serving.health.GrpcReadiness;
import dev.recsys.serving.release.ReleaseWatcher;
import dev.recsys.serving.release.ServiceReleases;
import dev.recsys.serving.rpc.TransportSecurity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * The tenants the gateway knows and their catalogues, hot-reloaded from the artifact store: the
 * gateway validates item ids against them and serves popular items from them when grounding is
 * down. A tenant is known once a release of it is published.
 */
@ApplicationScoped
public class CatalogueRegistry {
  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final GrpcHealthStorage health;
  private ReleaseWatcher<Catalogue> watcher;

  public CatalogueRegistry(GatewayConfig config, MeterRegistry registry, GrpcHealthStorage health) {
    this.config = config;
    this.registry = registry;
    this.health = health;
  }

  void onStart(@Observes StartupEvent event) {
    GrpcReadiness.set(health, false, RecommendServiceGrpc.SERVICE_NAME);
    TransportSecurity.check("gateway", false);
    watcher = ServiceReleases.watch("gateway", config.store(),
        (tenant, release) -> CatalogueFile.read(release.file(ReleaseLayout.CATALOGUE)), registry,
        () -> GrpcReadiness.set(health, true, RecommendServiceGrpc.SERVICE_NAME));
  }

  void onStop(@Observes ShutdownEvent event) {
    if (watcher != null) {
      watcher.close();
    }
  }

  public Optional<LoadedRelease<Catalogue>> current(String tenant) {
    return watcher.current(tenant);
  }

  public boolean loadedAny() {
    return !watcher.tenants().isEmpty();
  }

  /** The tenants whose catalogue is loaded. */
  public java.util.Set<String> tenants() {
    return watcher.tenants();
  }
}
