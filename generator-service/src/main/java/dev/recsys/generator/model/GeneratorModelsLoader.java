package dev.recsys.generator.model;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.generator.triton.TensorRtLlmLora;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Prompts;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import java.nio.file.Path;

/**
 * Builds a release's {@link GeneratorModels}: the catalogue and transition counts, and, when the
 * release ships a base checkpoint and adapter and {@code loadLlm} is set, the in-process LLM.
 * For Triton's TensorRT-LLM backend it converts the adapter into the weights that backend takes
 * per request ({@link TensorRtLlmLora}). A release whose manifest lists an adapter that cannot be
 * loaded or converted (config/weights mismatch, corrupt safetensors) is refused, and the previous
 * release keeps serving.
 */
public final class GeneratorModelsLoader implements ReleaseLoader<GeneratorModels> {
  static final String ADAPTER_CONFIG = ModelFiles.ADAPTER + "/adapter_config.json";

  private final boolean loadLlm;
  private final boolean constrained;
  private final boolean tensorRtLlmAdapters;

  /**
   * @param loadLlm             load the release's LLM into this JVM (the in-process backend)
   * @param constrained         build the catalogue's title trie for constrained decoding
   * @param tensorRtLlmAdapters convert the adapter for Triton's TensorRT-LLM backend
   */
  public GeneratorModelsLoader(boolean loadLlm, boolean constrained, boolean tensorRtLlmAdapters) {
    this.loadLlm = loadLlm;
    this.constrained = constrained;
    this.tensorRtLlmAdapters = tensorRtLlmAdapters;
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
    Prompts prompts = Prompts.forDataset(manifest.dataset().getOrDefault("name", ""));
    if (hasLlm && tensorRtLlmAdapters) {
      try {
        TensorRtLlmLora lora = TensorRtLlmLora.fromPeft(dir.resolve(ModelFiles.ADAPTER),
            ModelFiles.loraName(tenant, manifest.release()));
        return new GeneratorModels(baseline, null, true, prompts, null, lora);
      } catch (RuntimeException e) {
        throw new ArtifactException(dir.resolve(ModelFiles.ADAPTER), "cannot convert the adapter for TensorRT-LLM: "
            + e.getMessage());
      }
    }
    if (!hasLlm || !loadLlm) {
      return new GeneratorModels(baseline, null, hasLlm, prompts, null, null);
    }
    try {
      TitleGenerator llm = new TitleGenerator(dir.resolve(ModelFiles.BASE), dir.resolve(ModelFiles.ADAPTER), prompts);
      try {
        TitleTrie trie = constrained
            ? llm.trie(catalogue.items().stream().map(dev.recsys.common.catalog.Item::title).toList()) : null;
        return new GeneratorModels(baseline, llm, true, prompts, trie, null);
      } catch (RuntimeException e) {
        llm.close();
        throw e;
      }
    } catch (RuntimeException e) {
      throw new ArtifactException(dir.resolve(ModelFiles.ADAPTER), "cannot load the LLM: " + e.getMessage());
    }
  }
}
