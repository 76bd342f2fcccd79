package dev.recsys.trainer.bigrec;

import dev.recsys.llm.LlmRecommender;
import dev.recsys.llm.TitleTrie;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.encoder.Encoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.split.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Full-catalogue evaluation of a trained run against baselines, on samples of one split:
 * <ul>
 *   <li>popularity: items ranked by their count as training targets;</li>
 *   <li>item-to-item transitions: the foundation's collaborative baseline (history items last);</li>
 *   <li>BIGRec: the tuned model's top beam, grounded by L2 distance over the base model's
 *       embeddings of every catalogue title;</li>
 *   <li>BIGRec + popularity: {@code D~ = D^ (1 + W)^-gamma} with D^ min-max over the catalogue,
 *       W min-max scaled popularity, gamma tuned on validation samples (NDCG@10) and applied to test;</li>
 *   <li>BIGRec + collaborative: the same with W = the transition model's scores, min-max per sample;</li>
 *   <li>the same generated texts grounded with the foundation's sentence encoder instead of the LLM;</li>
 *   <li>BIGRec with catalogue-constrained beam search (a prefix trie of the tokenized titles, as
 *       in D3): every generated text is a catalogue title, then grounded by L2 as above.</li>
 * </ul>
 * Generation time per sample (median, one thread) is reported for free and constrained decoding.
 * Ties in a score are broken by catalogue order.
 */
public final class OfflineEvaluation {
  static final double[] GAMMAS = {0, 1, 2, 5, 10, 20, 50, 100};
  static final double[] CI_GAMMAS = {0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1, 2, 5, 10, 20, 50};

  /** One row of the table. */
  public record Row(String method, RankingMetrics metrics) {}

  /**
   * Results: rows on the test samples, the gamma tuned on validation and the validation NDCG@10
   * it reached (what the publishing gate compares).
   */
  public record Report(String protocol, List<Row> rows, double gamma, int validSamples, double validNdcg10,
      Map<String, Double> medianMsPerSample) {}

  private final Dataset dataset;
  private final Encoder sentenceEncoder;
  private final TransitionModel transitionModel;
  private final List<String> ids;
  private final Map<String, Integer> index = new HashMap<>();
  private final double[] popularity;

  /**
   * @param sentenceEncoder the foundation's encoder, for the sentence-encoder grounding row
   */
  public OfflineEvaluation(Dataset dataset, List<Sample> train, Encoder sentenceEncoder) {
    this.dataset = dataset;
    this.sentenceEncoder = sentenceEncoder;
    this.transitionModel = new TransitionModel(ReleaseBuilder.catalogue(dataset, train),
        ReleaseBuilder.transitions(train));
    this.ids = List.copyOf(dataset.titles().keySet());
    for (int i = 0; i < ids.size(); i++) {
      index.put(ids.get(i), i);
    }
    double[] counts = new double[ids.size()];
    for (Sample s : train) {
      counts[index.get(s.target())]++;
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double c : counts) {
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    popularity = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      popularity[i] = max > min ? (counts[i] - min) / (max - min) : 0;
    }
  }

  public static List<Sample> sample(List<Sample> split, int n, long seed) {
    List<Sample> copy = new ArrayList<>(split);
    Collections.shuffle(copy, new Random(seed));
    return copy.subList(0, Math.min(n, copy.size()));
  }

  public Report evaluate(LlmRecommender model, String protocol, List<Sample> valid, List<Sample> test,
      IntConsumer progress) {
    int[] done = {0};
    List<String> validTexts = generate(model, valid, null, () -> progress.accept(++done[0]), new ArrayList<>());
    List<Long> freeNanos = new ArrayList<>();
    List<String> testTexts = generate(model, test, null, () -> progress.accept(++done[0]), freeNanos);
    TitleTrie trie = model.trie(ids.stream().map(dataset.titles()::get).toList());
    List<Long> constrainedNanos = new ArrayList<>();
    List<String> constrainedTexts = generate(model, test, trie, () -> progress.accept(++done[0]), constrainedNanos);

    float[][] llmItems = new float[ids.size()][];
    for (int i = 0; i < ids.size(); i++) {
      llmItems[i] = model.embed(dataset.titles().get(ids.get(i)));
    }
    List<double[]> validDist = distances(validTexts.stream().map(model::embed).toList(), llmItems);
    List<double[]> testDist = distances(testTexts.stream().map(model::embed).toList(), llmItems);
    List<double[]> constrainedDist = distances(constrainedTexts.stream().map(model::embed).toList(), llmItems);
    double bestGamma = 0;
    double best = -1;
    for (double g : GAMMAS) {
      double ndcg = RankingMetrics.of(ranks(validDist, valid, g)).ndcg().get(10);
      if (ndcg > best) {
        best = ndcg;
        bestGamma = g;
      }
    }
    List<double[]> validCi = valid.stream().map(this::collaborative).toList();
    List<double[]> testCi = test.stream().map(this::collaborative).toList();
    double ciGamma = 0;
    double ciBest = -1;
    for (double g : CI_GAMMAS) {
      double ndcg = RankingMetrics.of(ranks(validDist, valid, g, validCi)).ndcg().get(10);
      if (ndcg > ciBest) {
        ciBest = ndcg;
        ciGamma = g;
      }
    }

    float[][] sentenceItems = sentenceEncoder.encode(ids.stream().map(dataset.titles()::get).toList());
    List<double[]> sentenceDist = distances(List.of(sentenceEncoder.encode(testTexts)), sentenceItems);

    int[] pop = new int[test.size()];
    int[] transitions = new int[test.size()];
    for (int s = 0; s < test.size(); s++) {
      Sample sample = test.get(s);
      pop[s] = rank(negate(popularity), index.get(sample.target()));
      List<String> ranked = transitionModel.next(sample.history(), ids.size()).stream()
          .map(x -> ids.get(x.row())).toList();
      int r = ranked.indexOf(sample.target());
      transitions[s] = r >= 0 ? r : ids.size() - 1;
    }
    List<Row> rows = List.of(
        new Row("popularity", RankingMetrics.of(pop)),
        new Row("item-to-item transitions", RankingMetrics.of(transitions)),
        new Row("BIGRec (LLM + L2 grounding)", RankingMetrics.of(ranks(testDist, test, 0))),
        new Row("BIGRec + popularity (gamma=" + fmt(bestGamma) + ")", RankingMetrics.of(ranks(testDist, test, bestGamma))),
        new Row("BIGRec + collaborative (transitions, gamma=" + fmt(ciGamma) + ")",
            RankingMetrics.of(ranks(testDist, test, ciGamma, testCi))),
        new Row("LLM + sentence-encoder grounding (" + sentenceEncoder.id() + ")",
            RankingMetrics.of(ranks(sentenceDist, test, 0))),
        new Row("BIGRec, catalogue-constrained beams (title trie) + L2 grounding",
            RankingMetrics.of(ranks(constrainedDist, test, 0))),
        new Row("BIGRec, catalogue-constrained + collaborative (gamma=" + fmt(ciGamma) + ")",
            RankingMetrics.of(ranks(constrainedDist, test, ciGamma, testCi))));
    Map<String, Double> ms = new LinkedHashMap<>();
    ms.put("free", medianMillis(freeNanos));
    ms.put("constrained", medianMillis(constrainedNanos));
    return new Report(protocol, rows, bestGamma, valid.size(), best, ms);
  }

  private List<String> generate(LlmRecommender model, List<Sample> samples, TitleTrie trie, Runnable tick,
      List<Long> nanos) {
    List<String> out = new ArrayList<>();
    for (Sample s : samples) {
      List<String> history = s.history().stream().map(dataset.titles()::get).toList();
      long t0 = System.nanoTime();
      List<String> texts = trie == null ? model.generate(history) : model.generate(history, trie);
      nanos.add(System.nanoTime() - t0);
      out.add(texts.stream().findFirst().orElse(""));
      tick.run();
    }
    return out;
  }

  private static double medianMillis(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return 0;
    }
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) / 1e6;
  }

  private static List<double[]> distances(List<float[]> queries, float[][] items) {
    List<double[]> out = new ArrayList<>();
    for (float[] q : queries) {
      double[] d = new double[items.length];
      for (int i = 0; i < items.length; i++) {
        double sum = 0;
        for (int j = 0; j < q.length; j++) {
          double x = q[j] - items[i][j];
          sum += x * x;
        }
        d[i] = Math.sqrt(sum);
      }
      out.add(d);
    }
    return out;
  }

  /**
   * BIGRec's collaborative signal W for one sample: the item-to-item transition model's scores
   * over the catalogue (0 for history items), min-max scaled within the sample.
   */
  private double[] collaborative(Sample s) {
    double[] w = new double[ids.size()];
    for (TransitionModel.Scored x : transitionModel.next(s.history(), ids.size())) {
      w[x.row()] = x.score();
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : w) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = max > min ? (w[i] - min) / (max - min) : 0;
    }
    return w;
  }

  private int[] ranks(List<double[]> dist, List<Sample> samples, double gamma) {
    List<double[]> pop = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      pop.add(popularity);
    }
    return ranks(dist, samples, gamma, pop);
  }

  /** Ranks under D~ = D^ (1 + W)^-gamma with a per-sample signal W. */
  private int[] ranks(List<double[]> dist, List<Sample> samples, double gamma, List<double[]> signal) {
    int[] r = new int[samples.size()];
    for (int s = 0; s < samples.size(); s++) {
      double[] d = dist.get(s).clone();
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      for (double x : d) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      for (int i = 0; i < d.length; i++) {
        double hat = max > min ? (d[i] - min) / (max - min) : 0;
        d[i] = gamma == 0 ? hat : hat * Math.pow(1 + signal.get(s)[i], -gamma);
      }
      r[s] = rank(d, index.get(samples.get(s).target()));
    }
    return r;
  }

  /** 0-based rank of {@code target} when ascending by score, ties by catalogue order. */
  static int rank(double[] score, int target) {
    int r = 0;
    for (int i = 0; i < score.length; i++) {
      if (score[i] < score[target] || (score[i] == score[target] && i < target)) {
        r++;
      }
    }
    return r;
  }

  private static double[] negate(double[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = -a[i];
    }
    return out;
  }

  static String fmt(double g) {
    return g == Math.rint(g) ? Long.toString((long) g) : Double.toString(g);
  }

  /** The report as a Markdown table. */
  public static String markdown(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append("| method (").append(r.protocol()).append(", ").append(r.rows().get(0).metrics().samples())
        .append(" test samples) |");
    for (int k : RankingMetrics.CUTOFFS) {
      sb.append(" NDCG@").append(k).append(" |");
    }
    for (int k : RankingMetrics.CUTOFFS) {
      sb.append(" HR@").append(k).append(" |");
    }
    sb.append("\n|---|").append("---|".repeat(2 * RankingMetrics.CUTOFFS.length)).append('\n');
    for (Row row : r.rows()) {
      sb.append("| ").append(row.method()).append(" |");
      for (int k : RankingMetrics.CUTOFFS) {
        sb.append(String.format(java.util.Locale.ROOT, " %.4f |", row.metrics().ndcg().get(k)));
      }
      for (int k : RankingMetrics.CUTOFFS) {
        sb.append(String.format(java.util.Locale.ROOT, " %.4f |", row.metrics().hr().get(k)));
      }
      sb.append('\n');
    }
    sb.append('\n').append("Generation time per sample (median, ").append(r.rows().get(0).metrics().samples())
        .append(" samples, 1 thread):");
    r.medianMsPerSample().forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, " %s %.1f ms;", k, v)));
    sb.append('\n');
    return sb.toString();
  }

  /** For JSON output. */
  public static Map<String, Object> json(Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protocol", r.protocol());
    m.put("gamma", r.gamma());
    m.put("validSamples", r.validSamples());
    m.put("validNdcg10", r.validNdcg10());
    m.put("rows", r.rows());
    m.put("medianMsPerSample", r.medianMsPerSample());
    return m;
  }
}
