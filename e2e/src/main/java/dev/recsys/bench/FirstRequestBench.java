package dev.recsys.bench;

import dev.recsys.e2e.DevIssuer;
import dev.recsys.e2e.LocalStack;
import dev.recsys.e2e.Releases;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The first Recommend calls after a start, with the gateway's warm-up ({@code RecommendWarmUp}) on
 * and off: publishes a release (MovieLens-100K, or the synthetic catalogue without it), then starts
 * N fresh stacks of each kind, alternating, and times in each the client's connection (TCP and TLS,
 * made before the first call), the first call and the second, one test-split history each.
 *
 * <p>Usage: {@code scripts/bench.sh first-request [stacks]} (default 5 of each).
 */
public final class FirstRequestBench {
  public static void main(String[] args) throws Exception {
    int stacks = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path ml = Releases.ml100k();
    Dataset d = ml != null ? Releases.movieLens(ml) : Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    Path work = Files.createTempDirectory("recsys-first-request");
    new Releases(work.resolve("store"), new MiniLmEncoder()).publish("default", d, splits, 0.0);
    List<Sample> samples = splits.test();
    List<long[]> on = new ArrayList<>();
    List<long[]> off = new ArrayList<>();
    for (int i = 0; i < stacks; i++) {
      for (boolean warmUp : new boolean[] {true, false}) {
        LocalStack stack = new LocalStack(LocalStack.repoRoot(), work.resolve("store"),
            work.resolve("logs-" + i + (warmUp ? "-on" : "-off")), Duration.ofSeconds(2))
            .jvmOptions("-Xmx1g").set("gateway", "recsys.gateway.warm-up=" + warmUp);
        (warmUp ? on : off).add(measure(stack, samples.get(i % samples.size()), samples.get((i + 1) % samples.size())));
      }
    }
    System.out.printf(Locale.ROOT, "%nFirst Recommend calls after a start (through the gateway, 3 services as fresh "
        + "processes on one machine): dataset %s (%d items), k=10, %d cores, JDK %s, services with -Xmx1g; %d stacks "
        + "with the gateway's warm-up and %d without, alternating; the client's channel connected before the first "
        + "call; ms, median (min-max; nearest-rank)%n%n", d.name(), d.titles().size(), Runtime.getRuntime().availableProcessors(),
        Runtime.version(), stacks, stacks);
    System.out.println("| gateway warm-up | stacks | connect + TLS | first Recommend | second Recommend |");
    System.out.println("|---|---|---|---|---|");
    System.out.println(row("off", off));
    System.out.println(row("on", on));
    System.out.printf(Locale.ROOT, "%nfirst Recommend, on / off (medians): %.2f%n", column(on, 1).p(50)
        / column(off, 1).p(50));
  }

  /** Nanoseconds of: the connection, the first call, the second (each answer checked not degraded). */
  static long[] measure(LocalStack configured, Sample first, Sample second) throws Exception {
    try (LocalStack stack = configured.start()) {
      ManagedChannel ch = stack.channel("gateway").intercept(stack.issuer().bearer(DevIssuer.SUBJECT)).build();
      try {
        long t = System.nanoTime();
        ch.getState(true);
        while (ch.getState(false) != ConnectivityState.READY) {
          if (System.nanoTime() - t > TimeUnit.SECONDS.toNanos(30)) {
            throw new IllegalStateException("the gateway's channel is not READY after 30 s: " + ch.getState(false));
          }
          Thread.sleep(1);
        }
        long connect = System.nanoTime() - t;
        var stub = RecommendServiceGrpc.newBlockingStub(ch);
        return new long[] {connect, call(stub, first), call(stub, second)};
      } finally {
        ch.shutdownNow();
      }
    }
  }

  static long call(RecommendServiceGrpc.RecommendServiceBlockingStub stub, Sample s) {
    long t = System.nanoTime();
    RecommendResponse r = stub.withDeadlineAfter(20, TimeUnit.SECONDS).recommend(RecommendRequest.newBuilder()
        .setTenant("default").addAllHistory(s.history()).setK(10).build());
    long ns = System.nanoTime() - t;
    if (r.getDegraded()) {
      throw new IllegalStateException("a degraded answer: " + r.getDegradedReason());
    }
    return ns;
  }

  static String row(String label, List<long[]> runs) {
    return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |", label, runs.size(), cell(runs, 0), cell(runs, 1),
        cell(runs, 2));
  }

  static String cell(List<long[]> runs, int column) {
    Stats s = column(runs, column);
    return String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", s.p(50), s.p(0), s.p(100));
  }

  static Stats column(List<long[]> runs, int column) {
    return new Stats(runs.stream().mapToLong(r -> r[column]).toArray());
  }
}
