package dev.recsys.generator.model;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
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
import dev.recsys.ranking.sequential.SasRecFile;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.snapshot.SnapshotLoader;
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
  static final String ADAPTER_CONFIG = ModelFiles.ADAPTER + "/adapter_config.json";

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

  /** Whether a release carries a fine-tuned LLM (base checkpoint + PEFT adapter). */
  public static boolean hasLlm(ReleaseManifest manifest) {
    return manifest.files().containsKey(ADAPTER_CONFIG);
  }

  @Override
  public GeneratorModels load(String tenant, Path dir, ReleaseManifest manifest) {
    Catalogue catalogue = CatalogueFile.read(dir.resolve(CatalogueFile.FILE_NAME));
    TransitionModel baseline = new TransitionModel(catalogue, TransitionsFile.read(dir.resolve(TransitionsFile.FILE_NAME)));
    boolean hasLlm = hasLlm(manifest);
    Prompts prompts;
    ServingPipeline pipeline;
    try {
      prompts = Prompts.fromMetadata(manifest.dataset());
      pipeline = ServingPipeline.fromParams(manifest.params(), 1, defaultTexts);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(dir.resolve(ReleaseManifest.FILE_NAME), e.getMessage());
    }
    if (hasLlm && tensorRtLlmAdapters) {
      try {
        TensorRtLlmLora lora = TensorRtLlmLora.fromPeft(dir.resolve(ModelFiles.ADAPTER),
            ModelFiles.loraName(tenant, manifest.release()));
        return new GeneratorModels(baseline, null, true, prompts, null, lora, pipeline, null, null, null);
      } catch (RuntimeException e) {
        throw new ArtifactException(dir.resolve(ModelFiles.ADAPTER), "cannot convert the adapter for TensorRT-LLM: "
            + e.getMessage());
      }
    }
    if (!hasLlm || !loadLlm || !pipeline.usesLlm()) {
      return new GeneratorModels(baseline, null, hasLlm, prompts, null, null, pipeline, null, null, null);
    }
    SimilarItemsSignal similar = pipeline.generationReads(ServingPipeline.SIMILAR)
        ? SnapshotLoader.similar(dir, manifest, catalogue) : null;
    TransitionModel cooccurrence = pipeline.generationReads(ServingPipeline.COOCCURRENCE)
        ? SnapshotLoader.cooccurrence(dir, manifest, catalogue, pipeline) : null;
    SasRec sequential = pipeline.generationNeedsSequential()
        ? SasRec.load(dir.resolve(SasRecFile.FILE_NAME), catalogue.items().stream().map(Item::id).toList()) : null;
    try {
      TitleGenerator llm = new TitleGenerator(dir.resolve(ModelFiles.BASE), dir.resolve(ModelFiles.ADAPTER), prompts);
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
      throw new ArtifactException(dir.resolve(ModelFiles.ADAPTER), "cannot load the LLM: " + e.getMessage());
    }
  }
}
