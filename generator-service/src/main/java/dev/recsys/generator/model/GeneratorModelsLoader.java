package dev.recsys.generator.model;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.backend.GeneratorModels;
import dev.recsys.llm.Prompts;
import dev.recsys.ranking.pipeline.ServingPipeline;

/**
 * Builds a release's {@link GeneratorModels}: the catalogue and transition counts, the prompt
 * wording and the serving pipeline recorded in the manifest and, when the release carries an LLM,
 * what the service's LLM backend prepares of it ({@link GenerationBackend#prepare}: the in-process
 * model, or the adapter converted for TensorRT-LLM). A release that backend cannot serve (an
 * adapter that does not fit its base, corrupt safetensors, a sequential model of another
 * catalogue) is refused, and the previous release keeps serving.
 */
public final class GeneratorModelsLoader implements ReleaseLoader<GeneratorModels> {
  private final GenerationBackend llmBackend;
  private final int defaultTexts;

  /**
   * @param llmBackend   the backend that serves releases with an LLM (the baseline itself when the
   *                     service runs without one: it prepares nothing)
   * @param defaultTexts texts per request of a release that does not record its pipeline
   */
  public GeneratorModelsLoader(GenerationBackend llmBackend, int defaultTexts) {
    this.llmBackend = llmBackend;
    this.defaultTexts = defaultTexts;
  }

  @Override
  public GeneratorModels load(String tenant, ReleaseLayout release) {
    Catalogue catalogue = CatalogueFile.read(release.file(ReleaseLayout.CATALOGUE));
    TransitionModel baseline = new TransitionModel(catalogue,
        TransitionsFile.read(release.file(ReleaseLayout.TRANSITIONS)));
    ServingPipeline pipeline = ServingPipeline.of(release, 1, defaultTexts);
    Prompts prompts;
    try {
      prompts = Prompts.fromMetadata(release.manifest().dataset());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(release.file(ReleaseLayout.MANIFEST), e.getMessage());
    }
    GeneratorModels models = new GeneratorModels(baseline, prompts, pipeline, release.hasLlm(), null);
    return release.hasLlm() ? models.withState(llmBackend.prepare(tenant, release, models)) : models;
  }
}
