package dev.recsys.bench;

import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.e2e.LocalStack;
import dev.recsys.e2e.Releases;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end Recommend latency through the gateway: publishes a release (MovieLens-100K, or the
 * synthetic catalogue without it), starts the three services as processes on loopback, warms up,
 * then sends real test-split histories sequentially and with C concurrent clients — once with TLS
 * on every hop (the default) and once with the plaintext profile, so the table shows what TLS
 * costs. All requests are bounded in count and go to 127.0.0.1 only.
 *
 * <p>Usage: {@code scripts/bench.sh recommend [requests] [concurrency]}.
 */
public final class RecommendBench {
  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path ml = Releases.ml100k();
    Dataset d = ml != null ? Releases.movieLens(ml) : Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    Path work = Files.createTempDirectory("recsys-bench");
    Releases releases = new Releases(work.resolve("store"), new MiniLmEncoder());
    releases.publish("default", d, splits, 0.0);
    List<Sample> samples = splits.test();
    Run tls = measure(new LocalStack(LocalStack.repoRoot(), work.resolve("store"), work.resolve("logs-tls"),
        Duration.ofSeconds(2)), samples, requests, concurrency);
    Run plain = measure(new LocalStack(LocalStack.repoRoot(), work.resolve("store"), work.resolve("logs-plaintext"),
        Duration.ofSeconds(2)).plaintext(), samples, requests, concurrency);
    System.out.printf(Locale.ROOT, "%nRecommend bench (through the gateway, 3 services on one machine): dataset %s "
        + "(%d items), k=10, %d cores, JDK %s, services with default JVM options and -Xmx1g; the same release and "
        + "requests with TLS on every hop (the default: mutual TLS to the internal stages, ECDSA P-256 certificates) "
        + "and with the plaintext profile, one after the other%n%n", d.name(), d.titles().size(),
        Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.println(Stats.header());
    System.out.println(new Stats(tls.sequential()).row("TLS, 1 client"));
    System.out.println(new Stats(plain.sequential()).row("plaintext, 1 client"));
    System.out.println(new Stats(tls.concurrent()).row("TLS, " + concurrency + " concurrent clients"));
    System.out.println(new Stats(plain.concurrent()).row("plaintext, " + concurrency + " concurrent clients"));
    System.out.printf(Locale.ROOT, "%nTLS / plaintext, p50 with 1 client: %.2f; p99: %.2f%n",
        new Stats(tls.sequential()).p(50) / new Stats(plain.sequential()).p(50),
        new Stats(tls.sequential()).p(99) / new Stats(plain.sequential()).p(99));
    System.out.printf(Locale.ROOT, "throughput with %d clients: TLS %.1f requests/s, plaintext %.1f; degraded "
        + "responses: %d and %d%n", concurrency, tls.throughput(), plain.throughput(), tls.degraded(), plain.degraded());
  }

  record Run(long[] sequential, long[] concurrent, double throughput, int degraded) {}

  static Run measure(LocalStack configured, List<Sample> samples, int requests, int concurrency) throws Exception {
    try (LocalStack stack = configured.jvmOptions("-Xmx1g").start()) {
      ManagedChannel ch = stack.channel("gateway")
          .intercept(stack.issuer().bearer(dev.recsys.e2e.DevIssuer.SUBJECT)).build();
      var stub = RecommendServiceGrpc.newBlockingStub(ch);
      AtomicInteger degraded = new AtomicInteger();
      for (int i = 0; i < 2000; i++) { // warm-up: let the JIT compile the hot paths
        call(stub, samples.get(i % samples.size()), degraded);
      }
      degraded.set(0);
      long[] seq = new long[requests];
      for (int i = 0; i < requests; i++) {
        seq[i] = call(stub, samples.get((i * 7) % samples.size()), degraded);
      }
      long[] conc = new long[requests];
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      long t0 = System.nanoTime();
      List<Future<?>> fs = new java.util.ArrayList<>();
      for (int i = 0; i < requests; i++) {
        int idx = i;
        fs.add(pool.submit(() -> conc[idx] = call(stub, samples.get((idx * 13) % samples.size()), degraded)));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      ch.shutdownNow();
      return new Run(seq, conc, requests / wall, degraded.get());
    }
  }

  static long call(RecommendServiceGrpc.RecommendServiceBlockingStub stub, Sample s, AtomicInteger degraded) {
    long t = System.nanoTime();
    var r = stub.withDeadlineAfter(10, TimeUnit.SECONDS).recommend(RecommendRequest.newBuilder().setTenant("default")
        .addAllHistory(s.history()).setK(10).build());
    long ns = System.nanoTime() - t;
    if (r.getDegraded()) {
      degraded.incrementAndGet();
    }
    return ns;
  }
}
