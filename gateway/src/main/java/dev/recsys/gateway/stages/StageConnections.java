package dev.recsys.gateway.stages;

import dev.recsys.gateway.GatewayConfig;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Connects the gateway's channels to the generator and grounding at start-up, so that the first
 * Recommend call does not pay for the TCP connect and the TLS handshake inside its stage deadline
 * (on a cold JVM that alone took 1.24 s of the generator's 1.5 s and the first answer came back
 * degraded).
 *
 * <p>grpc-java connects lazily, and a channel whose first attempt fails (the stage is still
 * starting) waits out an exponential backoff before the next. So a warm-up thread asks each
 * channel to connect and, while it is in TRANSIENT_FAILURE, resets the backoff a few times a
 * second, until both are READY or {@code recsys.gateway.stage-connect-timeout} has passed.
 *
 * <p>Readiness reports DOWN during that window only: a stage that stays away afterwards does not
 * take the gateway out of service (its answers are then degraded, and say so), since readiness
 * that follows a dependency turns one stage's outage into the whole API's.
 */
@Singleton
@Readiness
public class StageConnections implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(StageConnections.class);
  private static final long POLL_MS = 200;

  @Inject
  StageChannels stages;

  @Inject
  GatewayConfig config;

  private volatile Map<String, Channel> channels = Map.of();
  private Duration timeout;
  private volatile boolean warming = true;
  private volatile boolean connected;

  StageConnections() {
  }

  /** For tests: these channels, this timeout. */
  StageConnections(Duration timeout, Map<String, Channel> channels) {
    this.timeout = timeout;
    this.channels = new TreeMap<>(channels);
  }

  void onStart(@Observes StartupEvent ignored) {
    timeout = config.stageConnectTimeout();
    channels = new TreeMap<>(Map.of("generator", stages.managed("generator"), "grounding", stages.managed("grounding")));
    Thread.ofVirtual().name("stage-connect").start(this::warmUp);
  }

  /** Connects every channel, or gives up after the timeout; returns whether all are READY. */
  boolean warmUp() {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    try {
      while (true) {
        boolean allReady = true;
        for (Channel c : channels.values()) {
          if (c instanceof ManagedChannel mc) {
            ConnectivityState s = mc.getState(true);
            if (s == ConnectivityState.TRANSIENT_FAILURE) {
              mc.resetConnectBackoff();
            }
            allReady &= s == ConnectivityState.READY;
          }
        }
        if (allReady) {
          LOG.infof("stage channels connected in %d ms: %s", (System.nanoTime() - start) / 1_000_000, states());
          connected = true;
          return true;
        }
        if (System.nanoTime() > deadline) {
          LOG.warnf("stage channels not all connected after %s: %s; serving anyway (calls to a stage that is away "
              + "are answered degraded, and the channel keeps reconnecting)", timeout, states());
          return false;
        }
        Thread.sleep(POLL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      warming = false;
    }
  }

  /** Whether the start-up connection attempt has ended (connected, timed out or interrupted). */
  public boolean settled() {
    return !warming;
  }

  /** Whether it ended with every stage channel READY. */
  public boolean connected() {
    return connected;
  }

  Map<String, String> states() {
    Map<String, String> out = new LinkedHashMap<>();
    channels.forEach((name, c) -> out.put(name, c instanceof ManagedChannel mc ? mc.getState(false).name() : "n/a"));
    return out;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("stage-connections").status(!warming);
    states().forEach(b::withData);
    return b.build();
  }
}
