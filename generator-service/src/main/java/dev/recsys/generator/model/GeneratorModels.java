package dev.recsys.generator.model;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.generator.triton.TensorRtLlmLora;
import dev.recsys.llm.Prompts;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.MixtureSignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.signal.TransitionSignal;
import java.util.Optional;

/**
 * Everything one release gives the generator: the transition baseline (always) and, when the
 * release carries a trained LLM and this service runs it in-process, its title generator (base
 * checkpoint + the tenant's LoRA adapter), the serving pipeline its evaluation chose and, when
 * that pipeline guides decoding with it, the sequential model. Closing it frees native memory.
 *
 * @param baseline   the collaborative baseline and the release's catalogue
 * @param llm        the fine-tuned LLM, or null when the release has none or it runs elsewhere (Triton)
 * @param hasLlm     whether the release carries an adapter (served in-process or by Triton)
 * @param prompts    the release's prompt wording (its dataset's nouns), as the trainer wrote it
 * @param trie       the catalogue's titles in token space for constrained decoding, or null (free generation)
 * @param trtLora    the adapter as Triton's TensorRT-LLM backend takes it per request, or null
 * @param pipeline   the release's serving pipeline (how many texts, which decoding)
 * @param sequential the release's SASRec model when the pipeline's decoding uses it (D3's assistant), or null
 * @param cooccurrence the co-occurrence weights when the pipeline ranks the candidates of a mixture with them, or null
 * @param similar    content similarity likewise, or null
 */
public record GeneratorModels(TransitionModel baseline, TitleGenerator llm, boolean hasLlm, Prompts prompts,
    TitleTrie trie, TensorRtLlmLora trtLora, ServingPipeline pipeline, SasRec sequential,
    TransitionModel cooccurrence, SimilarItemsSignal similar) implements AutoCloseable {
  /**
   * The release's signal of this name the generator may read (SASRec, the transition counts,
   * similarity, a mixture of them), or null when it has not loaded it.
   */
  public ItemSignal signal(String name) {
    return switch (name) {
      case SasRec.NAME -> sequential;
      case TransitionSignal.NAME -> new TransitionSignal(baseline);
      case SimilarItemsSignal.NAME -> similar;
      case TransitionSignal.COOCCURRENCE -> cooccurrence == null ? null : TransitionSignal.cooccurrence(cooccurrence);
      default -> MixtureSignal.resolveIfAvailable(name, this::signal);
    };
  }

  public Optional<TitleGenerator> inProcessLlm() {
    return Optional.ofNullable(llm);
  }

  @Override
  public void close() {
    try {
      if (sequential != null) {
        sequential.close();
      }
    } finally {
      if (llm != null) {
        llm.close();
      }
    }
  }
}
