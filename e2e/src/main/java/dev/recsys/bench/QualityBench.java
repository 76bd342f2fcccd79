package dev.recsys.bench;

import dev.recsys.common.artifact.ReleaseLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.e2e.DevIssuer;
import dev.recsys.e2e.LocalStack;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import dev.recsys.ranking.metrics.RankingMetrics;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.MixtureSignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.ranking.signal.SignalRanking;
import dev.recsys.ranking.signal.TransitionSignal;
import dev.recsys.ranking.snapshot.ReleaseSignals;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.eval.Evaluation;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.SplitFiles;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Quality on the served path: replays samples of a split through the running gateway (one request
 * at a time unless {@code --concurrency} says otherwise, default parameters, k = 20) and prints NDCG and HR of the gateway's answers next to
 * popularity, the transition counts and SASRec ranked from the files of the release that served
 * them, on the same samples: all of them, and those whose target is strictly later than the last
 * history item. The samples are the ones {@code recsys-trainer eval} tests with the same seed.
 *
 * <p>Usage: {@code scripts/bench.sh quality --dataset <folder> --store <store> [--gateway host:port]
 * [--tenant default] [--split test] [--samples 1000] [--seed 0] [--concurrency 1] [--out quality.json]}; without
 * {@code --gateway} the bench starts the three services on the store itself.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = "Served-path quality: replays split samples through the gateway and compares with baselines.")
public final class QualityBench implements Callable<Integer> {
  static final int K = 20;

  @Option(names = "--dataset", required = true, description = "dataset folder (its splits give the samples)")
  Path dataset;

  @Option(names = "--store", required = true, description = "artifact store the services serve from")
  Path store;

  @Option(names = "--trusted-keys", defaultValue = "${env:RECSYS_TRUSTED_KEYS}", description = "public key(s) the "
      + "services trust: the .pub of the key the store's releases were signed with (default: env RECSYS_TRUSTED_KEYS; "
      + "without it, the throw-away key beside the store that the tests sign with)")
  Path trustedKeys;

  @Option(names = "--token", defaultValue = "${env:RECSYS_TOKEN}", description = "with --gateway: the bearer token "
      + "(JWT) the bench calls with (default: env RECSYS_TOKEN)")
  String token;

  @Option(names = "--ca", defaultValue = "${env:RECSYS_TLS_CA}", description = "with --gateway: the CA certificate "
      + "(PEM) the gateway's TLS certificate is verified with (default: env RECSYS_TLS_CA)")
  Path ca;

  @Option(names = "--plaintext", description = "with --gateway: call it without TLS (a gateway run with "
      + "QUARKUS_PROFILE=plaintext)")
  boolean plaintext;

  @Option(names = "--gateway", description = "host:port of a running gateway (default: start the services)")
  String gateway;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(names = "--protocol", defaultValue = "bigrec")
  String protocol;

  @Option(names = "--split", defaultValue = "test")
  String split;

  @Option(names = "--samples", defaultValue = "1000")
  int samples;

  @Option(names = "--seed", defaultValue = "0", description = "as eval's --seed: the same samples")
  long seed;

  @Option(names = "--concurrency", defaultValue = "1", description = "requests in flight at once (default "
      + "${DEFAULT-VALUE}): the answers do not depend on it, only the time the replay takes and the latency figures")
  int concurrency;

  @Option(names = "--out", description = "also write the numbers as JSON here")
  Path out;

  @Option(names = "--generator-deadline-ms", description = "the gateway's generator deadline per attempt when the "
      + "bench starts the services (default: the gateway's, 1500); a 135M-parameter LLM on 2 cores needs seconds")
  Integer generatorDeadlineMs;

  public static void main(String[] args) {
    DjlDefaults.apply();
    System.exit(new CommandLine(new QualityBench()).execute(args));
  }

  /** What the gateway answered for one sample. */
  record Answer(Sample sample, List<String> items, String pipeline, String release, boolean degraded, String reason,
      long nanos) {}

  @Override
  public Integer call() throws Exception {
    List<Sample> all = SplitFiles.read(dataset, protocol, split);
    List<Sample> chosen = Evaluation.sample(all, samples, split.equals("test") ? seed + 1 : seed).stream()
        .filter(s -> !s.history().isEmpty()).toList();
    List<Answer> answers;
    if (concurrency < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--concurrency must be at least 1, was "
          + concurrency);
    }
    if (gateway == null) {
      Path logs = Files.createTempDirectory("recsys-quality");
      LocalStack configured = new LocalStack(LocalStack.repoRoot(), store, logs, Duration.ofSeconds(2))
          .jvmOptions("-Xmx2g");
      if (trustedKeys != null) {
        configured.trustedKeys(trustedKeys);
      }
      if (generatorDeadlineMs != null) {
        configured.set("gateway", "recsys.gateway.generator-deadline=" + generatorDeadlineMs + "ms");
      }
      try (LocalStack stack = configured.start()) {
        answers = replay(stack.channel("gateway"), stack.issuer().token(DevIssuer.SUBJECT), chosen);
      }
    } else {
      NettyChannelBuilder b = NettyChannelBuilder.forTarget(gateway);
      if (plaintext) {
        b.usePlaintext();
      } else if (ca != null) {
        b.sslContext(GrpcSslContexts.forClient().trustManager(ca.toFile()).build());
      }
      answers = replay(b, token, chosen);
    }
    Set<String> releases = new HashSet<>();
    answers.forEach(a -> releases.add(a.release()));
    if (releases.size() != 1) {
      throw new IllegalStateException("the answers came from several releases " + releases + "; replay without a "
          + "rollout in progress");
    }
    String release = releases.iterator().next();
    FileArtifactStore artifacts = new FileArtifactStore(store);
    ReleaseLayout layout = artifacts.open(tenant, release);
    ReleaseManifest manifest = layout.manifest();
    Catalogue catalogue = CatalogueFile.read(layout.file(ReleaseLayout.CATALOGUE));
    ServingPipeline pipeline = ServingPipeline.of(layout, 1, 1);
    Map<String, ItemSignal> baselines = new LinkedHashMap<>();
    baselines.put("popularity", new PopularitySignal(catalogue));
    layout.require(ReleaseLayout.TRANSITIONS, "the bench ranks the transition baseline from it");
    TransitionSignal transitions = new TransitionSignal(ReleaseSignals.transitions(layout, catalogue));
    baselines.put("item-to-item transitions", transitions);
    SasRec sasrec = layout.hasSequentialModel() ? ReleaseSignals.sequential(layout, catalogue, pipeline) : null;
    if (sasrec != null) {
      baselines.put("SASRec", sasrec);
    }
    Map<String, ItemSignal> parts = new LinkedHashMap<>();
    parts.put(TransitionSignal.NAME, transitions);
    if (layout.contains(ReleaseLayout.COOCCURRENCE)) {
      ItemSignal cooccurrence = TransitionSignal.cooccurrence(ReleaseSignals.cooccurrence(layout, catalogue, pipeline));
      baselines.put("item-to-item co-occurrence", cooccurrence);
      parts.put(TransitionSignal.COOCCURRENCE, cooccurrence);
    }
    SimilarItemsSignal similar = ReleaseSignals.similar(layout, catalogue);
    baselines.put("content similarity", similar);
    parts.put(SimilarItemsSignal.NAME, similar);
    // the release's own mixture, when it ranks by one: the served pipeline without its LLM
    String w = pipeline.grounding().signal();
    if (MixtureSignal.isMixture(w)) {
      baselines.put("signals mixed, " + w, MixtureSignal.resolve(w,
          n -> n.equals(SasRec.NAME) ? sasrec : parts.get(n)));
    }
    try {
      report(answers, catalogue, baselines, manifest);
    } finally {
      if (sasrec != null) {
        sasrec.close();
      }
    }
    return 0;
  }

  private List<Answer> replay(NettyChannelBuilder b, String bearer, List<Sample> chosen) {
    if (bearer != null) {
      b.intercept(DevIssuer.bearerToken(bearer));
    }
    ManagedChannel ch = b.build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
    try {
      var stub = RecommendServiceGrpc.newBlockingStub(ch);
      List<java.util.concurrent.Future<Answer>> pending = new ArrayList<>();
      for (Sample s : chosen) {
        pending.add(pool.submit(() -> ask(stub, s)));
      }
      List<Answer> out = new ArrayList<>(pending.size());
      for (java.util.concurrent.Future<Answer> f : pending) {
        try {
          out.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a Recommend call failed: " + e.getCause().getMessage(), e.getCause());
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
      ch.shutdownNow();
    }
  }

  private Answer ask(RecommendServiceGrpc.RecommendServiceBlockingStub stub, Sample s) {
    long t0 = System.nanoTime();
    RecommendResponse r = stub.withDeadlineAfter(60, TimeUnit.SECONDS).recommend(RecommendRequest.newBuilder()
        .setTenant(tenant).addAllHistory(s.history()).setK(K).build());
    long nanos = System.nanoTime() - t0;
    return new Answer(s, r.getItemsList().stream().map(RecommendedItem::getItemId).toList(),
        r.getServedBy().getPipeline(), r.getServedBy().getSnapshotVersion(), r.getDegraded(), r.getDegradedReason(),
        nanos);
  }

  private void report(List<Answer> answers, Catalogue catalogue, Map<String, ItemSignal> baselines,
      ReleaseManifest manifest) throws Exception {
    Map<String, int[]> ranks = new LinkedHashMap<>();
    int[] served = new int[answers.size()];
    for (int i = 0; i < answers.size(); i++) {
      Answer a = answers.get(i);
      served[i] = a.items().indexOf(a.sample().target());
      served[i] = served[i] < 0 ? RankingMetrics.MISS : served[i];
    }
    Set<String> pipelines = new HashSet<>();
    answers.forEach(a -> pipelines.add(a.pipeline()));
    ranks.put("served by the gateway (" + String.join(", ", pipelines) + ")", served);
    for (Map.Entry<String, ItemSignal> b : baselines.entrySet()) {
      int[] r = new int[answers.size()];
      for (int i = 0; i < answers.size(); i++) {
        Sample s = answers.get(i).sample();
        int[] history = s.history().stream().mapToInt(catalogue::indexOf).filter(x -> x >= 0).toArray();
        r[i] = RankingMetrics.rankOf(SignalRanking.top(b.getValue().scores(history), SignalRanking.seen(history), K),
            catalogue.indexOf(s.target()));
      }
      ranks.put(b.getKey(), r);
    }
    boolean[] later = new boolean[answers.size()];
    int laterCount = 0;
    for (int i = 0; i < later.length; i++) {
      later[i] = answers.get(i).sample().strictlyLater();
      laterCount += later[i] ? 1 : 0;
    }
    long degraded = answers.stream().filter(Answer::degraded).count();
    Set<List<String>> distinctTop10 = new HashSet<>();
    answers.forEach(a -> distinctTop10.add(a.items().subList(0, Math.min(10, a.items().size()))));
    long[] nanos = answers.stream().mapToLong(Answer::nanos).toArray();

    System.out.printf(Locale.ROOT, "%nServed-path quality: tenant %s, release %s (dataset %s), pipeline %s%n", tenant,
        manifest.release(), manifest.dataset().getOrDefault("name", "?"), String.join(", ", pipelines));
    System.out.printf(Locale.ROOT, "Protocol: %d samples of the %s split of %s (%s protocol, seed %d: the samples of "
        + "'recsys-trainer eval --seed %d'), Recommend calls through the gateway with default parameters and k=%d "
        + "(history excluded; %d in flight at once); baselines ranked from the same release's files, history "
        + "excluded; ranks beyond %d count as misses; gateway generator deadline %s per attempt.%n%n", answers.size(), split,
        dataset.getFileName(), protocol, seed, seed, K, concurrency, K,
        generatorDeadlineMs != null ? generatorDeadlineMs + " ms" : gateway == null ? "1500 ms (default)"
            : "as configured");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("release", manifest.release());
    json.put("pipelines", pipelines);
    json.put("samples", answers.size());
    json.put("strictlyLater", laterCount);
    json.put("all", table(ranks, null, "all samples"));
    if (laterCount > 0) {
      json.put("strictlyLaterTable", table(ranks, later, "targets strictly later than the last history item"));
    } else {
      System.out.printf("%n%s%n", EvalReport.NO_LATER_SAMPLES);
    }
    System.out.printf(Locale.ROOT, "%nserved / transitions NDCG@10 (served - transitions ± paired standard error): "
        + "%s;%nserved / SASRec: %s%n",
        ratios(ranks, "item-to-item transitions", later, laterCount),
        baselines.containsKey("SASRec") ? ratios(ranks, "SASRec", later, laterCount) : "no SASRec in the release");
    System.out.printf(Locale.ROOT, "degraded answers: %d of %d; distinct top-10 lists: %d; Recommend latency p50 %.1f ms, "
        + "p95 %.1f ms%n", degraded, answers.size(), distinctTop10.size(), new Stats(nanos).p(50),
        new Stats(nanos).p(95));
    if (degraded > 0) { // why, most frequent first (a reason's first 200 characters)
      Map<String, Long> reasons = new java.util.TreeMap<>();
      answers.stream().filter(Answer::degraded).forEach(a -> reasons.merge(
          a.reason().substring(0, Math.min(200, a.reason().length())), 1L, Long::sum));
      reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
          .forEach(e -> System.out.printf(Locale.ROOT, "  %d degraded: %s%n", e.getValue(), e.getKey()));
    }
    json.put("degraded", degraded);
    json.put("distinctTop10", distinctTop10.size());
    if (out != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    }
  }

  /**
   * "r (all, d ± se), r' (strictly later, d' ± se')": the ratio of the served NDCG@10 to the
   * baseline's, and their difference with its paired standard error (the spread of the per-sample
   * differences: a difference inside it is not one the samples can tell), the second only when
   * there are such samples.
   */
  private static String ratios(Map<String, int[]> ranks, String baseline, boolean[] later, int laterCount) {
    String all = comparison(ranks, baseline, null, "all");
    return laterCount == 0 ? all : all + ", " + comparison(ranks, baseline, later, "strictly later");
  }

  private static String comparison(Map<String, int[]> ranks, String baseline, boolean[] subset, String view) {
    int[] served = subset(ranks.values().iterator().next(), subset);
    int[] base = subset(ranks.get(baseline), subset);
    return String.format(Locale.ROOT, "%.2f (%s: %+.4f ± %.4f)", ratio(ranks, baseline, subset), view,
        RankingMetrics.ndcg10(served) - RankingMetrics.ndcg10(base), RankingMetrics.pairedStdError(served, base));
  }

  private static double ratio(Map<String, int[]> ranks, String baseline, boolean[] subset) {
    double served = RankingMetrics.ndcg10(subset(ranks.values().iterator().next(), subset));
    double base = RankingMetrics.ndcg10(subset(ranks.get(baseline), subset));
    return base > 0 ? served / base : Double.NaN;
  }

  private static int[] subset(int[] ranks, boolean[] keep) {
    if (keep == null) {
      return ranks;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < ranks.length; i++) {
      if (keep[i]) {
        out.add(ranks[i]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Map<String, RankingMetrics> table(Map<String, int[]> ranks, boolean[] subset, String title) {
    Map<String, RankingMetrics> metrics = new LinkedHashMap<>();
    ranks.forEach((k, v) -> metrics.put(k, RankingMetrics.of(subset(v, subset))));
    int n = metrics.values().iterator().next().samples();
    StringBuilder sb = new StringBuilder("| " + title + " (" + n + ") |");
    int[] cutoffs = {3, 5, 10, 20};
    for (int k : cutoffs) {
      sb.append(" NDCG@").append(k).append(" |");
    }
    for (int k : cutoffs) {
      sb.append(" HR@").append(k).append(" |");
    }
    sb.append("\n|---|").append("---|".repeat(2 * cutoffs.length)).append('\n');
    metrics.forEach((name, m) -> {
      sb.append("| ").append(name).append(" |");
      for (int k : cutoffs) {
        sb.append(String.format(Locale.ROOT, " %.4f |", m.ndcg().get(k)));
      }
      for (int k : cutoffs) {
        sb.append(String.format(Locale.ROOT, " %.4f |", m.hr().get(k)));
      }
      sb.append('\n');
    });
    System.out.println(sb);
    return metrics;
  }
}
