package dev.recsys.ranking.pipeline;

import dev.recsys.llm.Decoding;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.SignalRanking;
import java.util.List;
import java.util.Set;

/**
 * The generator's half of a serving pipeline for one request: the LLM ask (beams, constraint,
 * scoring, D3's assistant) and the texts kept from its beams. The generator service and the
 * trainer's evaluation both build their asks here.
 */
public final class PipelineGeneration {
  private PipelineGeneration() {}

  /**
   * @param p            the pipeline
   * @param recentTitles the titles the prompt lists (the last history items, oldest first)
   * @param texts        texts wanted (the pipeline's own number unless the caller asked for another)
   * @param trie         the catalogue's title trie, or null when the release decodes freely
   * @param historyRows  the user's history as catalogue rows (what the assistant reads)
   * @param excludedRows rows constrained decoding must not produce
   * @param signals      the release's signals by name: D3's assistant (the sequential model), the
   *                     rerank's candidate source (the pipeline's signal)
   * @param maxNewTokens the token limit of free decoding
   * @param titlePriors  the LLM's log-probability of each catalogue row's title without a history
   *                     ({@link dev.recsys.ranking.snapshot.TitlePriorsFile}) when the pipeline ranks
   *                     candidates with a prior weight ({@link ServingPipeline#needsTitlePriors}), else null
   */
  public static TitleGenerator.Ask ask(ServingPipeline p, List<String> recentTitles, int texts,
      TitleTrie trie, int[] historyRows, Set<Integer> excludedRows, ItemSignal.Lookup signals, int maxNewTokens,
      double[] titlePriors) {
    ServingPipeline.Generation g = p.generation();
    if (p.kind() == ServingPipeline.Kind.RERANK) {
      ItemSignal source = signals.signal(p.grounding().signal());
      if (source == null) {
        throw new IllegalStateException("the rerank pipeline needs the '" + p.grounding().signal() + "' signal");
      }
      if (p.needsTitlePriors() && titlePriors == null) {
        throw new IllegalStateException("the rerank pipeline " + p.describe() + " needs the titles' priors");
      }
      return TitleGenerator.Ask.rank(recentTitles, candidates(source, historyRows, excludedRows, texts, trie,
          p.needsTitlePriors() ? titlePriors : null), g.candidateScore());
    }
    ItemSignal sequential = signals.signal(SasRec.NAME);
    int beams = Math.max(g.beams(), texts);
    if (!g.constrained() || trie == null) {
      return new TitleGenerator.Ask(recentTitles, beams, maxNewTokens, null, g.lengthNormalised(), 0);
    }
    float[] assistant = g.assistantWeight() > 0 && sequential != null
        ? assistant(sequential.scores(historyRows), excludedRows) : null;
    Decoding.Constraint view = trie.restrict(excludedRows, assistant);
    return new TitleGenerator.Ask(recentTitles, beams, maxNewTokens, view, g.lengthNormalised(),
        assistant == null ? 0 : g.assistantWeight());
  }

  /** As the other {@code ask}, for a pipeline that ranks no candidates with a prior weight. */
  public static TitleGenerator.Ask ask(ServingPipeline p, List<String> recentTitles, int texts,
      TitleTrie trie, int[] historyRows, Set<Integer> excludedRows, ItemSignal.Lookup signals, int maxNewTokens) {
    return ask(p, recentTitles, texts, trie, historyRows, excludedRows, signals, maxNewTokens, null);
  }

  /** The first {@code texts} of the generated titles: what grounding receives. */
  public static List<TitleGenerator.Generated> keep(List<TitleGenerator.Generated> generated, int texts) {
    return generated.size() > texts ? List.copyOf(generated.subList(0, texts)) : generated;
  }

  /**
   * The signal's top {@code n} rows outside the excluded ones, with its log-probability of each
   * ({@link ItemSignal#logProbabilities} over the rows that may be recommended).
   */
  public static TitleGenerator.Candidates candidates(ItemSignal signal, int[] historyRows, Set<Integer> excludedRows,
      int n, TitleTrie trie) {
    return candidates(signal, historyRows, excludedRows, n, trie, null);
  }

  /**
   * As the other {@code candidates}, with each candidate's prior log-probability taken from
   * {@code titlePriors} (one per catalogue row) when it is not null.
   */
  public static TitleGenerator.Candidates candidates(ItemSignal signal, int[] historyRows, Set<Integer> excludedRows,
      int n, TitleTrie trie, double[] titlePriors) {
    if (trie == null) {
      throw new IllegalStateException("ranking candidates needs the catalogue's title trie");
    }
    float[] scores = signal.scores(historyRows);
    int[] rows = SignalRanking.top(scores, excludedRows, n).stream().mapToInt(Integer::intValue).toArray();
    double[] prior = null;
    if (titlePriors != null) {
      prior = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        prior[i] = titlePriors[rows[i]];
      }
    }
    return new TitleGenerator.Candidates(trie, rows, signal.logProbabilities(scores, excludedRows, rows), prior);
  }

  /**
   * D3's assistant distribution: the sequential model's softmax over the catalogue, excluded rows
   * at zero (they cannot be generated).
   */
  static float[] assistant(float[] scores, Set<Integer> excludedRows) {
    return ItemSignal.probabilities(scores.length, excludedRows,
        rows -> ItemSignal.logSoftmax(scores, excludedRows, rows));
  }
}
