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
   */
  public static TitleGenerator.Ask ask(ServingPipeline p, List<String> recentTitles, int texts,
      TitleTrie trie, int[] historyRows, Set<Integer> excludedRows, ItemSignal.Lookup signals, int maxNewTokens) {
    ServingPipeline.Generation g = p.generation();
    if (p.kind() == ServingPipeline.Kind.RERANK) {
      ItemSignal source = signals.signal(p.grounding().signal());
      if (source == null) {
        throw new IllegalStateException("the rerank pipeline needs the '" + p.grounding().signal() + "' signal");
      }
      return TitleGenerator.Ask.rank(recentTitles, candidates(source, historyRows, excludedRows, texts, trie),
          g.assistantWeight());
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
    if (trie == null) {
      throw new IllegalStateException("ranking candidates needs the catalogue's title trie");
    }
    float[] scores = signal.scores(historyRows);
    int[] rows = SignalRanking.top(scores, excludedRows, n).stream().mapToInt(Integer::intValue).toArray();
    return new TitleGenerator.Candidates(trie, rows, signal.logProbabilities(scores, excludedRows, rows));
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
