package dev.recsys.generator.llm;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.generator.backend.BackendState;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.MixtureSignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.signal.TransitionSignal;

/**
 * What the in-process backend loads of one release: its title generator (base checkpoint + the
 * tenant's LoRA adapter), the catalogue's title trie when the pipeline decodes constrained, and
 * the signals the pipeline's decoding reads (D3's assistant, the candidates it re-ranks).
 *
 * @param llm          the fine-tuned LLM
 * @param trie         the catalogue's titles in token space, or null (free generation)
 * @param transitions  the release's transition counts
 * @param sequential   the release's SASRec model when the decoding reads it, or null
 * @param cooccurrence the co-occurrence weights when the decoding reads them, or null
 * @param similar      content similarity likewise, or null
 * @param titlePriors  the LLM's log-probability of each catalogue row's title without a history, when
 *                     the pipeline ranks candidates with a prior weight, else null
 */
public record InProcessRelease(TitleGenerator llm, TitleTrie trie, TransitionModel transitions, SasRec sequential,
    TransitionModel cooccurrence, SimilarItemsSignal similar, double[] titlePriors) implements BackendState {

  /**
   * The release's signal of this name the decoding may read (SASRec, the transition counts,
   * similarity, a mixture of them), or null when it has not been loaded.
   */
  public ItemSignal signal(String name) {
    return switch (name) {
      case SasRec.NAME -> sequential;
      case TransitionSignal.NAME -> new TransitionSignal(transitions);
      case SimilarItemsSignal.NAME -> similar;
      case TransitionSignal.COOCCURRENCE -> cooccurrence == null ? null : TransitionSignal.cooccurrence(cooccurrence);
      default -> MixtureSignal.resolveIfAvailable(name, this::signal);
    };
  }

  @Override
  public boolean constrained() {
    return trie != null;
  }

  @Override
  public void close() {
    try {
      if (sequential != null) {
        sequential.close();
      }
    } finally {
      llm.close();
    }
  }
}
