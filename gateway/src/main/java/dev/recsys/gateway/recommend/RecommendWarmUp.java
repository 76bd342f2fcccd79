package dev.recsys.gateway.recommend;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.gateway.GatewayConfig;
import dev.recsys.gateway.catalog.CatalogueRegistry;
import dev.recsys.gateway.stages.StageChannels;
import dev.recsys.gateway.stages.StageConnections;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Runs a few Recommend requests through the gateway's own path ({@link RecommendHandler}: the
 * stage clients, the generator's and the grounding service's servers and handlers over the real
 * channels) before the gateway reports ready, once its stage channels are connected and a catalogue
 * is loaded, and both stages report SERVING. A fresh process otherwise answers its first request
 * in ~0.4 s instead of ~50 ms ({@code scripts/bench.sh first-request}): what
 * each JVM loads, links and compiles on the first call of each path (README, "The first request
 * after a start").
 *
 * <p>The requests are a tenant's first catalogue items as the history; they count in the stages'
 * metrics like any request (they are real ones; a degraded answer counts in
 * {@code recsys_gateway_degraded_total} too) but pass no caller authentication, quota or
 * admission, which they do not need, nor the gateway's own gRPC server metrics. A warm-up that
 * fails, or whose stages are away, ends with a warning: readiness never waits longer than
 * {@code stage-connect-timeout} plus one request's stage deadlines (after the timeout no further
 * request starts).
 */
@Singleton
@Readiness
public class RecommendWarmUp implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(RecommendWarmUp.class);
  /** Requests per tenant: the first pays the one-off costs, the next ones the first compilations. */
  static final int ROUNDS = 3;
  static final int HISTORY = 5;
  static final int K = 10;
  private static final long POLL_MS = 100;

  @Inject
  RecommendHandler handler;

  @Inject
  CatalogueRegistry catalogues;

  @Inject
  @Readiness // a health check's qualifier
  StageConnections connections;

  @Inject
  StageChannels stages;

  @Inject
  GatewayConfig config;

  private volatile boolean warming = true;
  private volatile String outcome = "waiting for the stage channels and a catalogue";

  void onStart(@Observes StartupEvent ignored) {
    if (!config.warmUp()) {
      finish("off (recsys.gateway.warm-up=false)", true);
      return;
    }
    Thread.ofVirtual().name("recommend-warm-up").start(this::run);
  }

  void run() {
    try {
      long deadline = System.nanoTime() + config.stageConnectTimeout().toNanos();
      if (!await(connections::settled, deadline) || !connections.connected()) {
        finish("skipped: the stage channels are not connected", false);
        return;
      }
      if (!await(catalogues::loadedAny, deadline)) {
        finish("skipped: no catalogue loaded within " + config.stageConnectTimeout(), false);
        return;
      }
      // a connected stage may not have loaded a release yet: its answers would be degraded
      if (!await(() -> serving(stages.generator(), GeneratorServiceGrpc.SERVICE_NAME)
          && serving(stages.grounding(), GroundingServiceGrpc.SERVICE_NAME), deadline)) {
        finish("skipped: the stages did not report SERVING (a release loaded) within " + config.stageConnectTimeout(),
            false);
        return;
      }
      long start = System.nanoTime();
      int degraded = 0;
      int sent = 0;
      String reason = "";
      for (String tenant : catalogues.tenants()) {
        Catalogue catalogue = catalogues.current(tenant).map(r -> r.value()).orElse(null);
        if (catalogue == null || catalogue.size() < 2) {
          continue;
        }
        RecommendRequest req = request(tenant, catalogue);
        for (int i = 0; i < ROUNDS && (sent == 0 || System.nanoTime() < deadline); i++) {
          RecommendResponse r = handler.recommend(req);
          sent++;
          if (r.getDegraded()) {
            degraded++;
            reason = r.getDegradedReason();
          }
        }
      }
      finish(String.format("%d requests in %d ms, %d degraded%s", sent, (System.nanoTime() - start) / 1_000_000,
          degraded, degraded == 0 ? "" : " (the last: " + reason + ")"), degraded == 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish("interrupted", false);
    } catch (RuntimeException e) {
      finish("failed: " + e.getMessage(), false);
    }
  }

  /** A request with the catalogue's first items as the history (at most {@link #HISTORY}, at least one item left). */
  static RecommendRequest request(String tenant, Catalogue catalogue) {
    int history = Math.min(HISTORY, catalogue.size() - 1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < history; i++) {
      ids.add(catalogue.get(i).id());
    }
    return RecommendRequest.newBuilder().setTenant(tenant).addAllHistory(ids)
        .setK(Math.min(K, catalogue.size() - history)).setRequestId("gateway-warm-up").build();
  }

  /** Whether the stage's standard gRPC health check reports {@code service} SERVING (its first release loaded). */
  private static boolean serving(Channel stage, String service) {
    try {
      return HealthGrpc.newBlockingStub(stage).withDeadlineAfter(1, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus()
          == grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  private static boolean await(BooleanSupplier condition, long deadline) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(POLL_MS);
    }
    return true;
  }

  private void finish(String what, boolean clean) {
    outcome = what;
    warming = false;
    if (clean) {
      LOG.infof("warm-up: %s", what);
    } else {
      LOG.warnf("warm-up: %s; serving anyway (the first requests pay the process's one-off costs)", what);
    }
  }

  /** Whether the warm-up has ended (however it ended). */
  public boolean settled() {
    return !warming;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("recommend-warm-up").status(!warming).withData("outcome", outcome).build();
  }
}
