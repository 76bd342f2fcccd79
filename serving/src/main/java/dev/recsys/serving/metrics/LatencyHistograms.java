package dev.recsys.serving.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Publishes latency timers as Prometheus histograms with 15 fixed buckets from 1 ms to 30 s
 * (few series per method and status, unlike Micrometer's ~70 default buckets), so that
 * p50/p95/p99 can be computed across pods with histogram_quantile: the gRPC server and client
 * call timers (grpc_server_processing_duration_seconds, grpc_client_processing_duration_seconds,
 * tagged with method and status code) and the platform's own timers (recsys_*). Every service
 * indexes this module, so Quarkus registers the filter with its meter registry.
 */
@Singleton
public class LatencyHistograms {
  /** Bucket bounds in nanoseconds (timers' base unit). */
  static final double[] BUCKETS = java.util.stream.LongStream.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
      10000, 20000, 30000).mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

  static boolean isLatency(Meter.Id id) {
    String n = id.getName();
    return id.getType() == Meter.Type.TIMER
        && (n.startsWith("grpc.server.processing.duration") || n.startsWith("grpc.client.processing.duration")
            || n.startsWith("recsys."));
  }

  @Produces
  @Singleton
  public MeterFilter latencyHistograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!isLatency(id)) {
          return config;
        }
        return DistributionStatisticConfig.builder().serviceLevelObjectives(BUCKETS).build().merge(config);
      }
    };
  }
}
