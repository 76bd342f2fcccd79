package dev.recsys.trainer.bigrec;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies a pretrained Hugging Face checkpoint folder into a run's base folder, after checking it. */
final class PretrainedCopy {
  static final String GENERATION_CONFIG = "generation_config.json";

  private PretrainedCopy() {}

  static void into(Path pretrained, Path baseDir) throws IOException {
    for (String f : new String[] {LlamaCheckpoint.CONFIG, LlamaCheckpoint.WEIGHTS, ModelFiles.TOKENIZER}) {
      if (!Files.isRegularFile(pretrained.resolve(f))) {
        throw new ArtifactException(pretrained.resolve(f), "missing; a pretrained base folder holds "
            + LlamaCheckpoint.CONFIG + ", " + LlamaCheckpoint.WEIGHTS + " and " + ModelFiles.TOKENIZER
            + " (recsys-trainer base writes one)");
      }
    }
    LlamaConfig.read(pretrained.resolve(LlamaCheckpoint.CONFIG)); // refuses an unusable config, naming it
    Files.createDirectories(baseDir);
    for (String f : new String[] {LlamaCheckpoint.CONFIG, LlamaCheckpoint.WEIGHTS, ModelFiles.TOKENIZER,
        GENERATION_CONFIG}) {
      if (Files.isRegularFile(pretrained.resolve(f))) {
        Files.copy(pretrained.resolve(f), baseDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
