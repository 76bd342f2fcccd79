package dev.recsys.trainer.eval;

import dev.recsys.llm.CandidateScore;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.ranking.grounding.GroundedCandidate;
import dev.recsys.ranking.grounding.Grounder;
import dev.recsys.ranking.index.ItemIndex;
import dev.recsys.ranking.metrics.RankingMetrics;
import dev.recsys.ranking.pipeline.PipelineGeneration;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The served path, offline: what the generator service decodes for a sample
 * ({@link ServedPath}: {@link PipelineGeneration}, {@link TitleGenerator}), then what the
 * grounding service ranks from those texts ({@link Grounder}) — the same classes, parameters and
 * candidate sets — for many samples and pipelines. Generations run as single requests, several at
 * once. Work that does not depend on the parameters being compared is done once per sample: the
 * LLM's likelihood of each candidate the sequential model retrieves, the embedding of each text,
 * each text's neighbours and each signal's scores (memoised, the results are those computed).
 */
final class ServedRanking implements AutoCloseable {
  /** The generator's half for samples: each sample's texts, best first, and how long each took. */
  record Generations(List<List<TitleGenerator.Generated>> beams, List<Long> nanos) {}

  private final RunServing run;
  private final ServedPath path;
  private final Grounder grounder = new Grounder();
  private final List<ItemSignal> signals;
  private final ItemIndex index;
  private final ExecutorService pool;
  private final Map<EvalSample, Map<String, float[]>> queries = Collections.synchronizedMap(new IdentityHashMap<>());

  ServedRanking(RunServing run, int maxNewTokens, int threads) {
    this.run = run;
    this.path = new ServedPath(run, maxNewTokens);
    this.signals = run.signals().stream().map(Memo::signal).toList();
    this.index = Memo.index(run.index());
    this.pool = Executors.newFixedThreadPool(threads);
  }

  /** The snapshot the release will serve {@code p} with (memoised signals and index). */
  GroundingSnapshot snapshot(ServingPipeline p) {
    return run.snapshot(p, signals, index);
  }

  /** Decodes every sample as the generator service does for pipeline {@code p}; {@code tick} after each. */
  Generations generate(List<EvalSample> samples, ServingPipeline p, IntConsumer tick) {
    AtomicInteger done = new AtomicInteger();
    List<Object[]> results = all(samples, s -> {
      long t0 = System.nanoTime();
      List<TitleGenerator.Generated> out = path.generate(s, p);
      long nanos = System.nanoTime() - t0;
      tick.accept(done.incrementAndGet());
      return new Object[] {out, nanos};
    });
    List<List<TitleGenerator.Generated>> beams = new ArrayList<>();
    List<Long> nanos = new ArrayList<>();
    for (Object[] r : results) {
      @SuppressWarnings("unchecked")
      List<TitleGenerator.Generated> b = (List<TitleGenerator.Generated>) r[0];
      beams.add(b);
      nanos.add((Long) r[1]);
    }
    return new Generations(beams, nanos);
  }

  /**
   * What the generator returns for the rerank pipeline of {@code m} candidates of the signal
   * {@code source} under each candidate score: the candidates and the LLM's likelihood of each are
   * computed once per sample ({@link PipelineGeneration#candidates},
   * {@link TitleGenerator#logLikelihoods}), with the titles' priors the release ships when a score
   * reads them, then ordered per score as the generator orders them ({@link TitleGenerator#rank}).
   */
  Map<CandidateScore, Generations> rerank(List<EvalSample> samples, String source, int m,
      List<CandidateScore> scores, IntConsumer tick) {
    AtomicInteger done = new AtomicInteger();
    dev.recsys.ranking.signal.ItemSignal signal = run.signal(source);
    double[] priors = scores.stream().anyMatch(CandidateScore::needsPrior) ? run.titlePriors() : null;
    List<Object[]> parts = all(samples, s -> {
      TitleGenerator.Candidates c = PipelineGeneration.candidates(signal, s.historyRows(), s.excludedRows(), m,
          run.trie(), priors);
      double[] llm = run.generator().logLikelihoods(s.recentTitles(), run.trie(), c.rows());
      tick.accept(done.incrementAndGet());
      return new Object[] {c, llm};
    });
    Map<CandidateScore, Generations> out = new LinkedHashMap<>();
    for (CandidateScore score : scores) {
      List<List<TitleGenerator.Generated>> texts = new ArrayList<>();
      for (Object[] p : parts) {
        texts.add(TitleGenerator.rank((TitleGenerator.Candidates) p[0], (double[]) p[1], score));
      }
      out.put(score, new Generations(texts, List.of()));
    }
    return out;
  }

  /**
   * The grounding service's ranking of each sample under {@code p}, from its generations (null for
   * a pipeline without texts), as 0-based ranks of the targets ({@link RankingMetrics#MISS} when
   * the first {@code k} items miss it).
   */
  int[] ranks(List<EvalSample> samples, Generations gen, ServingPipeline p, int k) {
    GroundingSnapshot snap = snapshot(p);
    int texts = p.generation().texts();
    List<int[]> out = all(samples, (i, s) -> {
      List<String> t = gen == null ? List.of() : gen.beams().get(i).stream().limit(texts)
          .map(TitleGenerator.Generated::text).toList();
      List<GroundedCandidate> items = grounder.rank(snap, encode(snap, s, t), new Grounder.Request(t, s.historyRows(),
          s.excludedRows(), k, p.grounding()));
      int rank = RankingMetrics.MISS;
      for (int j = 0; j < items.size(); j++) {
        if (items.get(j).row() == s.target()) {
          rank = j;
          break;
        }
      }
      return new int[] {rank};
    });
    return out.stream().mapToInt(r -> r[0]).toArray();
  }

  /** The query vector of each text, encoded once per sample and text (the same arrays each time). */
  private float[][] encode(GroundingSnapshot snap, EvalSample s, List<String> texts) {
    Map<String, float[]> known = queries.computeIfAbsent(s, x -> Collections.synchronizedMap(new HashMap<>()));
    List<String> missing = texts.stream().filter(t -> !known.containsKey(t)).distinct().toList();
    if (!missing.isEmpty()) {
      float[][] v = grounder.encode(snap, missing);
      for (int i = 0; i < v.length; i++) {
        known.putIfAbsent(missing.get(i), v[i]);
      }
    }
    return texts.stream().map(known::get).toArray(float[][]::new);
  }

  /** {@code f} for every sample on the pool, results in sample order. */
  private <T> List<T> all(List<EvalSample> samples, java.util.function.Function<EvalSample, T> f) {
    return all(samples, (i, s) -> f.apply(s));
  }

  /** {@code f(index, sample)} for every sample on the pool, results in sample order. */
  private <T> List<T> all(List<EvalSample> samples, java.util.function.BiFunction<Integer, EvalSample, T> f) {
    List<Future<T>> futures = new ArrayList<>(samples.size());
    for (int i = 0; i < samples.size(); i++) {
      int at = i;
      Callable<T> task = () -> f.apply(at, samples.get(at));
      futures.add(pool.submit(task));
    }
    return futures.stream().map(ServedRanking::join).toList();
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
