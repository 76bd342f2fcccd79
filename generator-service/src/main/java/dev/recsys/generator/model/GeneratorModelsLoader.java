package dev.recsys.generator.model;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.generator.triton.TensorRtLlmLora;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Prompts;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.snapshot.ReleaseSignals;
import java.nio.file.Path;

/**
 * Builds a release's {@link GeneratorModels}: the catalogue and transition counts, the serving
 * pipeline recorded in the manifest and, when the release ships a base checkpoint and adapter and
 * {@code loadLlm} is set, the in-process LLM, the catalogue's title trie when the pipeline decodes
 * constrained, and the sequential model when the pipeline guides decoding with it (D3's
 * assistant). For Triton's TensorRT-LLM backend it converts the adapter into the weights that
 * backend takes per request ({@link TensorRtLlmLora}). A release whose manifest lists an adapter
 * or sequential model that cannot be loaded or converted (config/weights mismatch, corrupt
 * safetensors, a model of another catalogue) is refused, and the previous release keeps serving.
 */
public final class GeneratorModelsLoader implements ReleaseLoader<GeneratorModels> {

  private final boolean loadLlm;
  private final boolean tensorRtLlmAdapters;
  private final int defaultTexts;

  /**
   * @param loadLlm             load the release's LLM into this JVM (the in-process backend)
   * @param tensorRtLlmAdapters convert the adapter for Triton's TensorRT-LLM backend
   * @param defaultTexts        texts per request of a release that does not record its pipeline
   */
  public GeneratorModelsLoader(boolean loadLlm, boolean tensorRtLlmAdapters, int defaultTexts) {
    this.loadLlm = loadLlm;
    this.tensorRtLlmAdapters = tensorRtLlmAdapters;
    this.defaultTexts = defaultTexts;
  }

  @Override
  public GeneratorModels load(String tenant, ReleaseLayout release) {
    Catalogue catalogue = CatalogueFile.read(release.file(ReleaseLayout.CATALOGUE));
    TransitionModel baseline = new TransitionModel(catalogue,
        TransitionsFile.read(release.file(ReleaseLayout.TRANSITIONS)));
    boolean hasLlm = release.hasLlm();
    ServingPipeline pipeline = ServingPipeline.of(release, 1, defaultTexts);
    Prompts prompts;
    try {
      prompts = Prompts.fromMetadata(release.manifest().dataset());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(release.file(ReleaseLayout.MANIFEST), e.getMessage());
    }
    Path adapter = release.file(ReleaseLayout.ADAPTER);
    if (hasLlm && tensorRtLlmAdapters) {
      try {
        TensorRtLlmLora lora = TensorRtLlmLora.fromPeft(adapter,
            ModelFiles.loraName(tenant, release.manifest().release()));
        return new GeneratorModels(baseline, null, true, prompts, null, lora, pipeline, null, null, null);
      } catch (RuntimeException e) {
        throw new ArtifactException(adapter, "cannot convert the adapter for TensorRT-LLM: " + e.getMessage());
      }
    }
    if (!hasLlm || !loadLlm || !pipeline.usesLlm()) {
      return new GeneratorModels(baseline, null, hasLlm, prompts, null, null, pipeline, null, null, null);
    }
    SimilarItemsSignal similar = pipeline.generationReads(ServingPipeline.SIMILAR)
        ? ReleaseSignals.similar(release, catalogue) : null;
    TransitionModel cooccurrence = pipeline.generationReads(ServingPipeline.COOCCURRENCE)
        ? ReleaseSignals.cooccurrence(release, catalogue, pipeline) : null;
    SasRec sequential = pipeline.generationNeedsSequential()
        ? ReleaseSignals.sequential(release, catalogue, pipeline) : null;
    try {
      TitleGenerator llm = new TitleGenerator(release.file(ReleaseLayout.BASE), adapter, prompts);
      try {
        TitleTrie trie = pipeline.generation().constrained()
            ? llm.trie(catalogue.items().stream().map(Item::title).toList()) : null;
        return new GeneratorModels(baseline, llm, true, prompts, trie, null, pipeline, sequential, cooccurrence, similar);
      } catch (RuntimeException e) {
        llm.close();
        throw e;
      }
    } catch (RuntimeException e) {
      if (sequential != null) {
        sequential.close();
      }
      throw new ArtifactException(adapter, "cannot load the LLM: " + e.getMessage());
    }
  }
}
