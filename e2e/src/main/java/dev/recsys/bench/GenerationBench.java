package dev.recsys.bench;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.e2e.Releases;
import dev.recsys.e2e.TritonServer;
import dev.recsys.generator.llm.GenerationQueue;
import dev.recsys.generator.llm.InProcessLlmBackend;
import dev.recsys.generator.triton.TritonClient;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.ForwardCost;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.serving.rpc.RequestException;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.TritonRepository;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import java.nio.file.Files;
import java.nio.file.Path;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generation latency and throughput of the in-process backend (the trainer's model on DJL, CPU)
 * for N candidates (= beams), free and catalogue-constrained; then, when Triton is installed
 * (scripts/setup-triton.sh), the client overhead of the Triton path: a call to an echo model
 * (no model work) on the decoupled stream and on unary ModelInfer.
 *
 * <p>Usage: {@code scripts/bench.sh generation [run folder] [requests per row] [batching]}. Without
 * a run folder the quick profile is trained first (MovieLens-100K, or the synthetic set without
 * it); with "batching" only the batching table is printed, with "openloop" only the open-loop table
 * (batches formed at start against continuous batching at fixed arrival rates).
 */
public final class GenerationBench {
  public static void main(String[] args) throws Exception {
    DjlDefaults.apply();
    Path ml = Releases.ml100k();
    Dataset d = ml != null ? Releases.movieLens(ml) : Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    Path run = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]).toAbsolutePath()
        : Releases.trainQuick(d, splits, Files.createTempDirectory("recsys-gen-bench").resolve("run"));
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    List<Sample> samples = splits.test();
    System.out.printf("run %s, %s (%d items), %d requests per row, 1 PyTorch thread per call, %d cores%n%n", run,
        d.name(), d.titles().size(), requests, Runtime.getRuntime().availableProcessors());

    try (TitleGenerator gen = new TitleGenerator(run.resolve(ReleaseLayout.BASE), run.resolve(ReleaseLayout.ADAPTER),
        d.prompts())) {
      long t0 = System.nanoTime();
      TitleTrie trie = gen.trie(List.copyOf(d.titles().values()));
      System.out.printf("title trie: %d titles, depth %d tokens, built in %.0f ms%n%n", trie.titles(), trie.depth(),
          (System.nanoTime() - t0) / 1e6);
      for (int i = 0; i < 10; i++) { // warm-up
        gen.generate(titles(d, samples.get(i)), 4, 32, i % 2 == 0 ? trie : null);
      }
      if (args.length > 2 && args[2].equals("batching")) { // only the batching table
        batching(gen, d, samples, trie, requests);
        return;
      }
      if (args.length > 2 && args[2].equals("openloop")) { // only the open-loop table (continuous batching)
        openLoop(gen, d, samples, trie, args.length > 3 ? rates(args[3]) : new double[] {20, 20, 40, 60, 80, 100});
        return;
      }
      if (args.length > 2 && args[2].equals("prefix")) { // only the prompt-prefix cache table
        prefix(gen, d, samples, trie, requests);
        return;
      }
      if (args.length > 2 && args[2].equals("forced")) { // only the forced-rests table
        forcedRests(gen, d, samples, trie, requests);
        return;
      }
      if (args.length > 2 && args[2].equals("merge")) { // only the merged-adapter table
        try (TitleGenerator unmerged = new TitleGenerator(run.resolve(ReleaseLayout.BASE),
            run.resolve(ReleaseLayout.ADAPTER), d.prompts(), false)) {
          for (int i = 0; i < 10; i++) {
            unmerged.generate(titles(d, samples.get(i)), 4, 32, i % 2 == 0 ? trie : null);
          }
          merge(unmerged, gen, d, samples, trie, requests);
        }
        return;
      }
      System.out.println("| decoding | N | p50 (ms) | p95 (ms) | candidate tokens/s | req/s, 1 worker | req/s, 2 workers |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (TitleTrie t : new TitleTrie[] {null, trie}) {
        for (int n : new int[] {1, 4, 10}) {
          long[] nanos = new long[requests];
          long tokens = 0;
          long start = System.nanoTime();
          for (int i = 0; i < requests; i++) {
            long s = System.nanoTime();
            tokens += gen.generate(titles(d, samples.get((i * 7) % samples.size())), n, 32, t).stream()
                .mapToInt(TitleGenerator.Generated::tokens).sum();
            nanos[i] = System.nanoTime() - s;
          }
          double wall = (System.nanoTime() - start) / 1e9;
          double parallel = parallel(gen, d, samples, n, t, requests);
          Stats st = new Stats(nanos);
          System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.0f | %.2f | %.2f |%n",
              t == null ? "free" : "constrained", n, st.p(50), st.p(95), tokens / wall, requests / wall, parallel);
        }
      }
      batching(gen, d, samples, trie, requests);
    }
    if (TritonServer.installed()) {
      tritonOverhead(d, splits, run, requests);
    } else {
      System.out.println("\nTriton not installed (scripts/setup-triton.sh): Triton client overhead not measured");
    }
  }

  /**
   * What the cached prompt prefix saves: single requests (one thread) with the cache off and on,
   * in alternating blocks on the same samples, and the re-ranking likelihood pass (30 titles).
   */
  private static void prefix(TitleGenerator gen, Dataset d, List<Sample> samples, TitleTrie trie, int requests) {
    int cached = gen.cachePromptPrefix(true);
    int promptTokens = gen.promptIds(titles(d, samples.get(0))).length;
    System.out.printf("prompt prefix cache: %d of the first prompt's %d tokens cached; %d requests per cell, "
        + "alternating blocks of 4 (off, on)%n%n", cached, promptTokens, requests);
    System.out.println("| work | N | p50 off (ms) | p50 on (ms) | off / on |");
    System.out.println("|---|---|---|---|---|");
    List<String> catalogue = List.copyOf(d.titles().values());
    for (String work : new String[] {"free", "constrained", "likelihood of 30 titles"}) {
      for (int n : work.startsWith("likelihood") ? new int[] {30} : new int[] {1, 4}) {
        long[][] nanos = new long[2][requests];
        for (int block = 0; block < requests; block += 4) {
          for (int on = 0; on < 2; on++) {
            gen.cachePromptPrefix(on == 1);
            for (int i = block; i < Math.min(requests, block + 4); i++) {
              Sample sample = samples.get((i * 7) % samples.size());
              long s0 = System.nanoTime();
              answer(gen, work, n, titles(d, sample), trie, catalogue.size(), i);
              nanos[on][i] = System.nanoTime() - s0;
            }
          }
        }
        double off = new Stats(nanos[0]).p(50);
        double onMs = new Stats(nanos[1]).p(50);
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f |%n", work, n, off, onMs, off / onMs);
      }
    }
    gen.cachePromptPrefix(true);
    cost(gen, d, samples, requests, cached);
  }

  /**
   * What folding the LoRA adapter into the base weights saves: single requests (one thread) on an
   * unmerged and a merged generator of the same release, each request on both one after the
   * other, and whether both answer the same texts.
   */
  private static void merge(TitleGenerator unmerged, TitleGenerator merged, Dataset d, List<Sample> samples,
      TitleTrie trie, int requests) {
    System.out.printf("LoRA adapter unmerged (two extra products and two element-wise ops per adapted module) vs "
        + "merged into the base weights; %d requests per cell, each on both in turn%n%n", requests);
    System.out.println("| work | N | p50 unmerged (ms) | p50 merged (ms) | unmerged / merged | same texts |");
    System.out.println("|---|---|---|---|---|---|");
    List<String> catalogue = List.copyOf(d.titles().values());
    TitleGenerator[] gens = {unmerged, merged};
    for (String work : new String[] {"free", "constrained", "likelihood of 30 titles"}) {
      for (int n : work.startsWith("likelihood") ? new int[] {30} : new int[] {1, 4}) {
        long[][] nanos = new long[2][requests];
        int same = 0;
        for (int i = 0; i < requests; i++) {
          List<String> history = titles(d, samples.get((i * 7) % samples.size()));
          Object[] answers = new Object[2];
          for (int g = 0; g < 2; g++) {
            long s0 = System.nanoTime();
            answers[g] = answer(gens[g], work, n, history, trie, catalogue.size(), i);
            nanos[g][i] = System.nanoTime() - s0;
          }
          same += answers[0].equals(answers[1]) ? 1 : 0;
        }
        double off = new Stats(nanos[0]).p(50);
        double on = new Stats(nanos[1]).p(50);
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %d / %d |%n", work, n, off, on, off / on, same,
            requests);
      }
    }
  }

  /**
   * What scoring a beam's forced rest in one pass saves (the rest of the only title under the
   * beam's beginning, run with the batch's next step instead of one step per token): constrained
   * requests (one thread) with it off and on, each request on both in turn, with the decoding steps
   * and the positions they computed, and whether both answer the same titles.
   */
  private static void forcedRests(TitleGenerator gen, Dataset d, List<Sample> samples, TitleTrie trie, int requests) {
    System.out.printf("constrained beam search: forced title rests stepped token by token (off) or scored with the "
        + "step that reaches them (on); %d requests per cell, each on both in turn%n%n", requests);
    System.out.println("| N | p50 off (ms) | p50 on (ms) | off / on | decoding steps per request, off / on "
        + "| positions computed per request, off / on | same titles |");
    System.out.println("|---|---|---|---|---|---|---|");
    long[] steps = new long[2];
    long[] positions = new long[2];
    int[] which = {0};
    Decoding.CallObserver counting = new Decoding.CallObserver() {
      @Override
      public void prefilled(long start, long end, int rows, int tokens, int cached) {}

      @Override
      public void stepped(long start, long end, int rows, int computed) {
        steps[which[0]]++;
        positions[which[0]] += computed;
      }
    };
    for (int n : new int[] {1, 4, 10}) {
      long[][] nanos = new long[2][requests];
      java.util.Arrays.fill(steps, 0);
      java.util.Arrays.fill(positions, 0);
      int same = 0;
      for (int i = 0; i < requests; i++) {
        List<String> history = titles(d, samples.get((i * 7) % samples.size()));
        Object[] answers = new Object[2];
        for (int on = 0; on < 2; on++) {
          gen.scoreForcedRestsAtOnce(on == 1);
          which[0] = on;
          long s0 = System.nanoTime();
          answers[on] = Decoding.observing(counting, () -> gen.generate(history, n, 32, trie).stream()
              .map(TitleGenerator.Generated::text).toList());
          nanos[on][i] = System.nanoTime() - s0;
        }
        same += answers[0].equals(answers[1]) ? 1 : 0;
      }
      double off = new Stats(nanos[0]).p(50);
      double on = new Stats(nanos[1]).p(50);
      System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.2f | %.1f / %.1f | %.1f / %.1f | %d / %d |%n", n, off, on,
          off / on, steps[0] / (double) requests, steps[1] / (double) requests, positions[0] / (double) requests,
          positions[1] / (double) requests, same, requests);
    }
    gen.scoreForcedRestsAtOnce(true);
  }

  /**
   * One request of a bench row: {@code work} "free" or "constrained" generation of {@code n} texts
   * (answer: the texts), or the likelihood of {@code n} catalogue titles chosen from {@code i}
   * (answer: the index of the likeliest).
   */
  private static Object answer(TitleGenerator gen, String work, int n, List<String> history, TitleTrie trie,
      int catalogueSize, int i) {
    if (work.startsWith("likelihood")) {
      int[] rows = new int[n];
      for (int r = 0; r < n; r++) {
        rows[r] = (i * 31 + r * 17) % catalogueSize;
      }
      double[] ll = gen.logLikelihoods(history, trie, rows);
      int best = 0;
      for (int r = 1; r < ll.length; r++) {
        best = ll[r] > ll[best] ? r : best;
      }
      return best;
    }
    return gen.generate(history, n, 32, work.equals("free") ? null : trie).stream()
        .map(TitleGenerator.Generated::text).toList();
  }

  /**
   * The arithmetic of one greedy request ({@link ForwardCost}: prefill, then one position per
   * generated token) against its measured time, and the machine's limit: the best rate of a
   * 1024 x 1024 float matrix product on one PyTorch thread, as the generator runs.
   */
  private static void cost(TitleGenerator gen, Dataset d, List<Sample> samples, int requests, int cached) {
    ForwardCost c = new ForwardCost(gen.config());
    long[] nanos = new long[requests];
    double flops = 0;
    for (int i = 0; i < requests; i++) {
      List<String> titles = titles(d, samples.get((i * 7) % samples.size()));
      int prompt = gen.promptIds(titles).length;
      long s0 = System.nanoTime();
      int generated = gen.generate(titles, 1, 32, null).get(0).tokens(); // every token decoded, eos included
      nanos[i] = System.nanoTime() - s0;
      double f = c.forward(1, prompt - cached, cached, 1);
      for (int t = 0; t < generated - 1; t++) { // each token but the last is fed back
        f += c.forward(1, 1, prompt + t, 1);
      }
      flops += f;
    }
    double perRequest = flops / requests;
    double p50 = new Stats(nanos).p(50);
    double peak = gemmPeak();
    System.out.printf(Locale.ROOT, "%ncost model, greedy (free, N=1), prefix cached: %.2f GFLOP per request (matrix "
        + "products), p50 %.1f ms -> %.1f GFLOP/s; one-thread 1024x1024 matmul peak here %.1f GFLOP/s: the request "
        + "runs at %.0f%% of it (%.1f ms if it ran at the peak)%n", perRequest / 1e9, p50, perRequest / 1e6 / p50,
        peak / 1e9, 100 * (perRequest / 1e6 / p50) / (peak / 1e9), perRequest / peak * 1e3);
  }

  private static double gemmPeak() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      ai.djl.ndarray.NDArray a = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(1024, 1024));
      ai.djl.ndarray.NDArray b = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(1024, 1024));
      double best = 0;
      for (int i = 0; i < 20; i++) {
        long s0 = System.nanoTime();
        try (ai.djl.ndarray.NDArray p = a.matMul(b)) {
          p.toFloatArray();
        }
        best = Math.max(best, 2.0 * 1024 * 1024 * 1024 / ((System.nanoTime() - s0) / 1e9));
      }
      return best;
    }
  }

  /**
   * The serving path under load: {@code CALLERS} closed-loop callers through the generator's
   * {@link GenerationQueue} (2 workers), with batching off (max batch 1), batches formed when a
   * worker starts one, and continuous batching (requests join running batches between steps).
   */
  private static void batching(TitleGenerator gen, Dataset d, List<Sample> samples, TitleTrie trie, int requests)
      throws Exception {
    int total = 3 * requests;
    System.out.printf("%nbatching: %d closed-loop callers, %d requests per row, GenerationQueue with 2 workers%n%n",
        CALLERS, total);
    System.out.println("| decoding | N | max batch | continuous | req/s | p50 (ms) | p95 (ms) | requests per batch |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (TitleTrie t : new TitleTrie[] {null, trie}) {
      for (int n : new int[] {1, 4}) {
        for (int row = 0; row < 7; row++) {
          int maxBatch = new int[] {1, 2, 2, 4, 4, 8, 8}[row];
          boolean continuous = row > 0 && row % 2 == 0;
          try (GenerationQueue queue = new GenerationQueue(2, 64, maxBatch, continuous, 120_000, x -> { })) {
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            AtomicLong next = new AtomicLong();
            long[] nanos = new long[total];
            long start = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
              fs.add(pool.submit(() -> {
                for (long i; (i = next.getAndIncrement()) < total; ) {
                  List<String> titles = titles(d, samples.get((int) ((i * 13) % samples.size())));
                  long s0 = System.nanoTime();
                  queue.run(gen, new TitleGenerator.Ask(titles, n, 32, t), InProcessLlmBackend.GENERATE_BATCH);
                  nanos[(int) i] = System.nanoTime() - s0;
                }
                return null;
              }));
            }
            double wall = awaitAll(pool, fs, start);
            Stats st = new Stats(nanos);
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %s | %.2f | %.1f | %.1f | %.2f |%n",
                t == null ? "free" : "constrained", n, maxBatch, continuous ? "yes" : "no", total / wall, st.p(50),
                st.p(95),
                (double) queue.batchedRequests() / queue.batches());
          }
        }
      }
    }
  }

  /** "0.5,1,2": arrival rates in requests per second (the first is a warm-up cell, not printed). */
  private static double[] rates(String csv) {
    return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  /** Requests a cell sends: 6 s of arrivals, at least 12. */
  static int requestsAt(double rate) {
    return (int) Math.max(12, Math.round(rate * 6));
  }

  /**
   * Requests arriving at fixed rates (open loop: each is sent on time, whatever the earlier ones
   * do) through the generator's {@link GenerationQueue} as it serves (2 workers, max batch 4, 16
   * waiting at most, then refused: shed), constrained decoding of 4 candidates (the serving
   * default), 6 s or 12 requests per cell: batches formed when a worker starts one against
   * continuous batching, latency from sending to the answer, of the answered requests.
   */
  private static void openLoop(TitleGenerator gen, Dataset d, List<Sample> samples, TitleTrie trie, double[] rates)
      throws Exception {
    System.out.printf("%nopen loop: constrained, N=4, GenerationQueue with 2 workers, max batch 4, 16 waiting at most;"
        + " 6 s or 12 requests per row%n%n");
    System.out.println("| rate (req/s) | batching | p50 (ms) | p95 (ms) | p99 (ms) | answered (req/s) | shed | requests per batch |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    // the first cell is a warm-up (not printed): every later one meets the same compiled code
    for (int r = 0; r < rates.length; r++) {
      double rate = rates[r];
      for (boolean continuous : r == 0 ? new boolean[] {true} : new boolean[] {false, true}) {
        try (GenerationQueue queue = new GenerationQueue(2, 16, 4, continuous, 120_000, x -> { })) {
          int total = requestsAt(rate);
          ExecutorService pool = Executors.newCachedThreadPool();
          long[] nanos = new long[total];
          AtomicInteger shed = new AtomicInteger();
          List<Future<?>> fs = new ArrayList<>();
          long start = System.nanoTime();
          for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            int k = i;
            fs.add(pool.submit(() -> {
              List<String> titles = titles(d, samples.get((k * 13) % samples.size()));
              long s0 = System.nanoTime();
              try {
                queue.run(gen, new TitleGenerator.Ask(titles, 4, 32, trie), InProcessLlmBackend.GENERATE_BATCH);
                nanos[k] = System.nanoTime() - s0;
              } catch (RequestException e) {
                if (e.code() != Status.Code.RESOURCE_EXHAUSTED) {
                  throw e;
                }
                shed.incrementAndGet(); // the queue was full: the service answers RESOURCE_EXHAUSTED
                nanos[k] = -1;
              }
              return null;
            }));
          }
          double wall = awaitAll(pool, fs, start);
          if (r == 0) {
            continue;
          }
          long[] answered = Arrays.stream(nanos).filter(n -> n >= 0).toArray();
          Stats st = new Stats(answered.length == 0 ? new long[] {0} : answered);
          System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.2f | %d of %d | %.2f |%n",
              rate == Math.rint(rate) ? Integer.toString((int) rate) : Double.toString(rate),
              continuous ? "continuous" : "at start", st.p(50), st.p(95), st.p(99), answered.length / wall,
              shed.get(), total, (double) queue.batchedRequests() / Math.max(1, queue.batches()));
        }
      }
    }
  }

  /** Waits for every caller, stops their pool, and returns the seconds since {@code startNanos}. */
  private static double awaitAll(ExecutorService pool, List<Future<?>> callers, long startNanos) throws Exception {
    for (Future<?> f : callers) {
      f.get();
    }
    double wall = (System.nanoTime() - startNanos) / 1e9;
    pool.shutdownNow();
    return wall;
  }

  static final int CALLERS = 16;

  private static double parallel(TitleGenerator gen, Dataset d, List<Sample> samples, int n, TitleTrie t, int requests)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      AtomicLong next = new AtomicLong();
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        fs.add(pool.submit(() -> {
          for (long i; (i = next.getAndIncrement()) < requests; ) {
            gen.generate(titles(d, samples.get((int) ((i * 11) % samples.size()))), n, 32, t);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      return requests / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> titles(Dataset d, Sample s) {
    List<String> h = s.history();
    return h.subList(Math.max(0, h.size() - 10), h.size()).stream().map(d.titles()::get).toList();
  }

  private static void tritonOverhead(Dataset d, Splits splits, Path run, int requests) throws Exception {
    Path work = Files.createTempDirectory("recsys-triton-bench");
    ReleaseManifest release = new Releases(work.resolve("store"), new MiniLmEncoder())
        .publishLlm("default", d, splits, run);
    TritonRepository.Written repo = TritonRepository.write(new FileArtifactStore(work.resolve("store")), "stable",
        List.of("default"), "recsys-llm", 1, work.resolve("repo"));
    String prompt = d.prompts().recommend(titles(d, splits.test().get(0)));
    try (TritonServer triton = new TritonServer(repo.modelDir().getParent(), "recsys-llm", work.resolve("triton.log"),
        dev.recsys.e2e.LocalStack.certificates(work.resolve("store")));
         TritonClient echo = new TritonClient(triton.target(), triton.transport(), "recsys-llm-echo", 30_000);
         TritonClient llm = new TritonClient(triton.target(), triton.transport(), "recsys-llm", 120_000)) {
      TritonClient.Generation g = new TritonClient.Generation(prompt, 1, 32, 0.0, 0,
          ModelFiles.loraName("default", release.release()));
      for (int i = 0; i < 50; i++) {
        echo.generate(g);
      }
      long[] nanos = new long[Math.max(requests, 200)];
      for (int i = 0; i < nanos.length; i++) {
        long s = System.nanoTime();
        echo.generate(g);
        nanos[i] = System.nanoTime() - s;
      }
      System.out.println("\nTriton path (PyTriton's tritonserver 2.51 on this machine, loopback):");
      System.out.println(Stats.header());
      System.out.println(new Stats(nanos).row("echo model, ModelStreamInfer (client overhead)"));
      long[] full = new long[5];
      for (int i = 0; i < full.length; i++) {
        long s = System.nanoTime();
        llm.generate(g);
        full[i] = System.nanoTime() - s;
      }
      System.out.println(new Stats(full).row("greedy title, numpy model (reference impl.)"));
    }
  }
}
