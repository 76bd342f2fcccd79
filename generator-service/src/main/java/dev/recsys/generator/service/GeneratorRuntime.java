package dev.recsys.generator.service;

import dev.recsys.common.artifact.ReleaseWatcher;
import dev.recsys.common.artifact.ServiceReleases;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.health.GrpcReadiness;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.baseline.TransitionBaselineBackend;
import dev.recsys.generator.baseline.TransitionModelLoader;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Owns the generation backend and the watcher that hot-reloads its models; gRPC health turns
 * SERVING once a model is loaded.
 */
@ApplicationScoped
public class GeneratorRuntime {
  private final GeneratorConfig config;
  private final MeterRegistry registry;
  private final GrpcHealthStorage health;
  private ReleaseWatcher<TransitionModel> watcher;
  private GenerationBackend backend;

  public GeneratorRuntime(GeneratorConfig config, MeterRegistry registry, GrpcHealthStorage health) {
    this.config = config;
    this.registry = registry;
    this.health = health;
  }

  void onStart(@Observes StartupEvent event) {
    GrpcReadiness.set(health, false, GeneratorServiceGrpc.SERVICE_NAME);
    watcher = ServiceReleases.watch("generator", config.store(), new TransitionModelLoader(), registry,
        () -> GrpcReadiness.set(health, true, GeneratorServiceGrpc.SERVICE_NAME));
    backend = new TransitionBaselineBackend(watcher);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (watcher != null) {
      watcher.close();
    }
  }

  public GenerationBackend backend() {
    return backend;
  }
}
