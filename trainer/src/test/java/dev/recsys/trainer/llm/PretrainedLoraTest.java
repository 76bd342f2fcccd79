package dev.recsys.trainer.llm;

import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Tokenizer;
import dev.recsys.llm.gguf.GgufLlamaConverter;
import dev.recsys.llm.gguf.PretrainedBase;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA on the real pretrained base (SmolLM2-135M-Instruct, fetched by scripts/fetch-base.sh):
 * a few steps of BIGRec-style samples lower the loss, the adapter is saved in PEFT's format and
 * generates after loading.
 */
class PretrainedLoraTest {
  @TempDir Path dir;

  @Test
  void loraOnSmolLm2_learnsAFewSamples_savesAPeftAdapter_andGenerates() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Optional<Path> gguf = PretrainedBase.SMOLLM2_135M.fetched(repo);
    assumeTrue(gguf.isPresent(), PretrainedBase.SMOLLM2_135M.notFetched(repo));
    Path baseDir = dir.resolve(ReleaseLayout.BASE);
    GgufLlamaConverter.Result converted = GgufLlamaConverter.convert(gguf.get(), baseDir);
    long bos = converted.config().bosTokenId();
    long eos = converted.config().eosTokenId();
    DjlDefaults.apply();
    List<String> texts = List.of(
        "The user watched \"Star Wars (1977)\", \"Alien (1979)\". Next: \"Return of the Jedi (1983)\"",
        "The user watched \"Toy Story (1995)\", \"Aladdin (1992)\". Next: \"Lion King, The (1994)\"",
        "The user watched \"Heat (1995)\", \"Casino (1995)\". Next: \"Godfather, The (1972)\"",
        "The user watched \"Fargo (1996)\", \"Scream (1996)\". Next: \"Contact (1997)\"");
    try (Tokenizer tok = Tokenizer.load(baseDir.resolve(ModelFiles.TOKENIZER));
         NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      List<long[]> ids = texts.stream().map(t -> ModelFiles.ids(tok, t, bos, eos)).toList();
      LlamaModel tuned = LlamaCheckpoint.load(baseDir, m, LoraConfig.bigrec());
      tuned.freezeBase();
      CausalLmTraining.Result r = CausalLmTraining.train(tuned, ids, eos,
          new CausalLmTraining.Options(4, 4, 2e-3f, 64, 0), (s, t, l, n) -> { });
      System.out.printf("LoRA on SmolLM2-135M: %d steps, loss %.3f -> %.3f, %.0f tok/s%n", r.steps(), r.firstLoss(),
          r.lastEpochLoss(), r.tokens() / r.seconds());
      assertThat(r.lastEpochLoss()).isLessThan(r.firstLoss());
      Path adapter = dir.resolve(ReleaseLayout.ADAPTER);
      LoraAdapter.save(tuned, adapter, ReleaseLayout.BASE);
      assertThat(adapter.resolve(LoraAdapter.WEIGHTS)).isRegularFile();

      LlamaModel served = LlamaCheckpoint.load(baseDir, m, LoraConfig.bigrec());
      LoraAdapter.load(served, adapter, m);
      long[] prompt = tok.encode("The user watched \"Star Wars (1977)\", \"Alien (1979)\". Next: \"");
      long[] withBos = new long[prompt.length + 1];
      withBos[0] = bos;
      System.arraycopy(prompt, 0, withBos, 1, prompt.length);
      String next = tok.decode(new Decoding(served, m).greedy(withBos, 8, eos).tokens());
      System.out.println("generated after the adapter: " + next);
      assertThat(next).isNotBlank();
    }
  }
}
