package dev.recsys.trainer.bigrec;

import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.gguf.GgufLlamaConverter;
import dev.recsys.llm.gguf.PretrainedBase;
import dev.recsys.ranking.pipeline.PipelineGeneration;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.eval.RunServing;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --base}: a run on the pretrained SmolLM2-135M (fetched by scripts/fetch-base.sh)
 * skips pre-training, fine-tunes LoRA with the model's byte-level BPE and special tokens, and
 * decodes constrained to the catalogue's exact BPE title paths.
 */
class PretrainedRunTest {
  @TempDir Path dir;

  /** A few LoRA steps only: the 135M model trains at about 60 tokens/s here. */
  static final Profile TINY = new Profile("tiny", 64, 2, 4, 2, 172, 0, 1, 8, 1, 0.25, 8, 3e-3f, 2e-3f, 160, 32, 2,
      20, 20, 24);

  @Test
  void aRunOnThePretrainedBase_keepsItsWeights_trainsAnAdapter_andGeneratesCatalogueTitles() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Optional<Path> gguf = PretrainedBase.SMOLLM2_135M.fetched(repo);
    assumeTrue(gguf.isPresent(), PretrainedBase.SMOLLM2_135M.notFetched(repo));
    Path hf = dir.resolve("smollm2");
    GgufLlamaConverter.convert(gguf.get(), hf);

    Dataset d = SyntheticDataset.generate(120, 80, 3);
    Splits splits = Splitter.bigrec(d);
    Path run = dir.resolve("run");
    TrainingRun.Summary s = TrainingRun.run(d, splits.train(), splits.valid(), TINY, 0, run, TrainingRunTest.QUIET,
        false, hf);
    assertThat(s.pretrainedBase()).isEqualTo(hf.toAbsolutePath().toString());
    assertThat(s.pretrain().steps()).isZero();
    assertThat(s.fineTune().steps()).isPositive();
    assertThat(s.vocab()).isEqualTo(49152);
    assertThat(Files.mismatch(hf.resolve("model.safetensors"), run.resolve(ReleaseLayout.BASE).resolve("model.safetensors")))
        .isEqualTo(-1);
    assertThat(LoraAdapter.config(run.resolve(ReleaseLayout.ADAPTER))).isEqualTo(LoraConfig.bigrec());
    assertThat(LlamaConfig.read(run.resolve(ReleaseLayout.BASE).resolve("config.json")).eosTokenId()).isEqualTo(2);

    try (RunServing serving = RunServing.open(d, splits.train(), run, n -> { })) {
      Set<String> titles = Set.copyOf(d.titles().values());
      Sample t = splits.test().get(0);
      Set<Integer> seen = new HashSet<>();
      t.history().forEach(id -> seen.add(serving.catalogue().indexOf(id)));
      int[] rows = seen.stream().mapToInt(Integer::intValue).toArray();
      TitleGenerator.Ask ask = PipelineGeneration.ask(new ServingPipeline(ServingPipeline.Kind.BIGREC,
          new ServingPipeline.Generation(4, 4, true, true, 0), new ServingPipeline.Grounding(100, 0, "popularity", 0)),
          t.history().stream().map(d.titles()::get).toList(), 10, serving.trie(), rows, seen, serving::signal,
          24);
      List<TitleGenerator.Generated> beams = serving.generator().generate(List.of(ask)).get(0);
      assertThat(beams).isNotEmpty().allSatisfy(g -> assertThat(titles).contains(g.text()));
    }
  }
}
