package dev.recsys.bench;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of latency samples (nearest-rank), in milliseconds. */
final class Stats {
  private final double[] sortedMs;

  Stats(long[] nanos) {
    sortedMs = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
  }

  double p(double q) {
    int idx = (int) Math.ceil(q / 100.0 * sortedMs.length) - 1;
    return sortedMs[Math.max(0, Math.min(sortedMs.length - 1, idx))];
  }

  String row(String name) {
    return String.format(Locale.ROOT, "| %-44s | %7d | %8.2f | %8.2f | %8.2f |", name, sortedMs.length, p(50), p(95), p(99));
  }

  static String header() {
    return "| what                                         |       n | p50 (ms) | p95 (ms) | p99 (ms) |\n"
        + "|----------------------------------------------|---------|----------|----------|----------|";
  }
}
