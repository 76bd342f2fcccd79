package dev.recsys.trainer.bigrec;

import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.TitleTrie;

import dev.recsys.llm.LlmRecommender;
import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.common.encoder.MiniLmEncoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.PublishGate;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.Prompts;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick profile end to end on the synthetic catalogue: train, then generate, ground and evaluate. */
class TrainingRunTest {
  @TempDir Path dir;

  @Test
  void quickRun_writesHfCheckpointAndPeftAdapter_generatesCatalogueTitles_andEvaluates() throws Exception {
    Dataset d = SyntheticDataset.generate(300, 200, 7);
    Splits splits = Splitter.bigrec(d);
    TrainingRun.Summary s = TrainingRun.run(d, splits.train(), Profile.quick(), 0, dir, new TrainingRun.Listener() {
      @Override
      public void phase(String name, int totalSteps) { }

      @Override
      public void step(int step, float loss, long tokens) { }
    });
    Path base = dir.resolve(ModelFiles.BASE);
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      assertThat(base.resolve(f)).isRegularFile();
    }
    assertThat(LlamaConfig.read(base.resolve("config.json")).vocabSize()).isEqualTo(s.vocab());
    assertThat(LoraAdapter.config(dir.resolve(ModelFiles.ADAPTER))).isEqualTo(LoraConfig.bigrec());
    assertThat(s.pretrain().lastEpochLoss()).isLessThan(0.6f * s.pretrain().firstLoss());

    List<Sample> test = OfflineEvaluation.sample(splits.test(), 20, 1);
    try (LlmRecommender model = new LlmRecommender(dir, Prompts.forDataset(d.name()), 4, 24)) {
      int real = 0;
      for (Sample t : test) {
        List<String> beams = model.generate(t.history().stream().map(d.titles()::get).toList());
        assertThat(beams).isNotEmpty().hasSizeLessThanOrEqualTo(4);
        real += beams.get(0).matches("\\S.* \\(\\d{4}\\)") ? 1 : 0;
      }
      // a quick model has learned the shape of a title (words, then the year in brackets); whether
      // it names the right item is what the evaluation below and the default run measure
      assertThat(real).as("top beams shaped like a catalogue title").isGreaterThanOrEqualTo(test.size() / 2);
      // constrained beams (title trie) only ever produce catalogue titles
      var titles = java.util.Set.copyOf(d.titles().values());
      TitleTrie trie = model.trie(List.copyOf(d.titles().values()));
      assertThat(trie.titles()).isEqualTo(d.titles().size());
      for (Sample t : test.subList(0, 5)) {
        assertThat(model.generate(t.history().stream().map(d.titles()::get).toList(), trie)).isNotEmpty()
            .allSatisfy(title -> assertThat(titles).contains(title));
      }
      OfflineEvaluation.Report r = new OfflineEvaluation(d, splits.train(), new dev.recsys.common.encoder.MiniLmEncoder())
          .evaluate(model, "bigrec", OfflineEvaluation.sample(splits.valid(), 10, 2), test, n -> { });
      assertThat(r.rows()).extracting(OfflineEvaluation.Row::method).startsWith("popularity",
          "item-to-item transitions", "BIGRec (LLM + L2 grounding)").hasSize(8);
      assertThat(r.medianMsPerSample()).containsKeys("free", "constrained");
      assertThat(r.rows()).allSatisfy(row -> assertThat(row.metrics().samples()).isEqualTo(20));

      // the run ships in a release: base, adapter, the LLM's embedding snapshot, metrics
      FileArtifactStore store = new FileArtifactStore(dir.resolve("store"));
      ReleaseManifest m = new ReleaseBuilder(store, new MiniLmEncoder()).publish(new ReleaseBuilder.Request("default",
          "stable", d, "h", "bigrec", splits.train(), 0.0, "test", false, new ReleaseBuilder.LlmRun(dir, model::embed,
          "llm-base-test", Map.of(PublishGate.METRIC, Double.toString(r.validNdcg10())))), n -> { });
      assertThat(store.verify("default", m.release()).files()).containsKeys("base/config.json", "base/model.safetensors",
          "base/tokenizer.json", "adapter/adapter_config.json", "adapter/adapter_model.safetensors",
          ModelFiles.LLM_EMBEDDINGS, "embeddings.bin", "catalogue.tsv");
      EmbeddingMatrix llm = SnapshotFile.read(store.releaseDir("default", m.release()).resolve(ModelFiles.LLM_EMBEDDINGS));
      assertThat(llm.rows()).isEqualTo(300);
      assertThat(llm.dimension()).isEqualTo(Profile.quick().hidden());
      assertThat(llm.encoderId()).isEqualTo("llm-base-test");
      assertThat(m.params()).containsEntry("llm.encoder", "llm-base-test").containsKey(PublishGate.METRIC);
    }
    assertThat(Files.list(dir.resolve(ModelFiles.ADAPTER)).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors");

    // resuming a finished run keeps both phases: nothing is trained again, the files are untouched
    byte[] weights = Files.readAllBytes(base.resolve("model.safetensors"));
    TrainingRun.Summary again = TrainingRun.run(d, splits.train(), Profile.quick(), 0, dir, new TrainingRun.Listener() {
      @Override
      public void phase(String name, int totalSteps) {
        throw new AssertionError("phase " + name + " should have been kept");
      }

      @Override
      public void step(int step, float loss, long tokens) { }
    }, true);
    assertThat(again.pretrain().steps()).isZero();
    assertThat(again.fineTune().steps()).isZero();
    assertThat(Files.readAllBytes(base.resolve("model.safetensors"))).isEqualTo(weights);
  }

  @Test
  void metrics_followTheDefinitions() {
    RankingMetrics m = RankingMetrics.of(new int[] {0, 1, 9, 10, 50});
    assertThat(m.hr().get(1)).isEqualTo(0.2);
    assertThat(m.hr().get(10)).isEqualTo(0.6);
    assertThat(m.ndcg().get(10)).isCloseTo((1 + 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(11) / Math.log(2))) / 5,
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(OfflineEvaluation.rank(new double[] {0.5, 0.1, 0.5, 0.9}, 2)).isEqualTo(2);
  }
}
