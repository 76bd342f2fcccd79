package dev.recsys.generator.backend;

import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.llm.Prompts;
import dev.recsys.ranking.pipeline.ServingPipeline;
import java.util.Optional;

/**
 * Everything one release gives the generator: what every backend reads (the transition baseline
 * with the catalogue, the prompt wording, the serving pipeline) and what the service's LLM backend
 * prepared of the release for itself ({@link GenerationBackend#prepare}: the in-process model, or
 * the adapter in TensorRT-LLM's form). Closing it frees that state's native memory.
 *
 * @param baseline the collaborative baseline and the release's catalogue
 * @param prompts  the release's prompt wording (its dataset's nouns), as the trainer wrote it
 * @param pipeline the release's serving pipeline (how many texts, which decoding)
 * @param hasLlm   whether the release carries a fine-tuned LLM (served in-process or by Triton)
 * @param state    what the LLM backend prepared, or null (no LLM, or nothing to prepare)
 */
public record GeneratorModels(TransitionModel baseline, Prompts prompts, ServingPipeline pipeline, boolean hasLlm,
    BackendState state) implements AutoCloseable {

  public GeneratorModels withState(BackendState s) {
    return new GeneratorModels(baseline, prompts, pipeline, hasLlm, s);
  }

  /** The prepared state, when it is of the asking backend's type. */
  public <S extends BackendState> Optional<S> state(Class<S> type) {
    return type.isInstance(state) ? Optional.of(type.cast(state)) : Optional.empty();
  }

  /** Whether this release's texts are decoded restricted to catalogue titles. */
  public boolean constrained() {
    return state != null && state.constrained();
  }

  @Override
  public void close() {
    if (state != null) {
      state.close();
    }
  }
}
