package dev.recsys.trainer.bigrec;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LoraAdapter;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.ranking.grounding.GroundedCandidate;
import dev.recsys.ranking.grounding.Grounder;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.ranking.pipeline.PipelineGeneration;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import dev.recsys.ranking.snapshot.SnapshotLoader;
import dev.recsys.ranking.snapshot.TitlePriorsFile;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.eval.Evaluation;
import dev.recsys.trainer.eval.RunServing;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.publish.RunReleases;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick profile end to end on the synthetic catalogue: train (LLM and SASRec), evaluate
 * through the served path, publish, and load the release as the grounding service does.
 */
class TrainingRunTest {
  @TempDir Path dir;

  static final TrainingRun.Listener QUIET = new TrainingRun.Listener() {
    @Override
    public void phase(String name, int totalSteps) { }

    @Override
    public void step(int step, float loss, long tokens) { }
  };

  static final Evaluation.Listener QUIET_EVAL = new Evaluation.Listener() {
    @Override
    public void phase(String name, int total) { }

    @Override
    public void step(int done) { }
  };

  @Test
  void quickRun_trainsLlmAndSasRec_evaluatesThroughTheServedPath_publishes_andTheReleaseRanksAsEvaluated()
      throws Exception {
    Dataset d = SyntheticDataset.generate(300, 200, 7);
    Splits splits = Splitter.bigrec(d);
    TrainingRun.Summary s = TrainingRun.run(d, splits.train(), splits.valid(), Profile.quick(), 0, dir, QUIET);
    Path base = dir.resolve(ReleaseLayout.BASE);
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      assertThat(base.resolve(f)).isRegularFile();
    }
    assertThat(LlamaConfig.read(base.resolve("config.json")).vocabSize()).isEqualTo(s.vocab());
    assertThat(LoraAdapter.config(dir.resolve(ReleaseLayout.ADAPTER))).isEqualTo(LoraConfig.bigrec());
    assertThat(s.pretrain().lastEpochLoss()).isLessThan(0.6f * s.pretrain().firstLoss());
    assertThat(dir.resolve(ReleaseLayout.SASREC)).isRegularFile();
    assertThat(s.sequential().bestValidNdcg10()).isPositive();
    assertThat(s.sequential().validNdcg10()).hasSize(s.sequential().epochs());

    EvalReport report;
    try (RunServing run = RunServing.open(d, splits.train(), dir, n -> { })) {
      // constrained decoding (D3's, with the assistant) only produces catalogue titles, never a seen item
      Set<String> titles = Set.copyOf(d.titles().values());
      for (Sample t : splits.test().subList(0, 5)) {
        Set<Integer> seen = new HashSet<>();
        t.history().forEach(id -> seen.add(run.catalogue().indexOf(id)));
        int[] rows = seen.stream().mapToInt(Integer::intValue).toArray();
        TitleGenerator.Ask ask = PipelineGeneration.ask(new ServingPipeline(ServingPipeline.Kind.D3,
            new ServingPipeline.Generation(10, 10, true, false, 0.5), new ServingPipeline.Grounding(100, 0, "sasrec", 0)),
            t.history().stream().map(d.titles()::get).toList(), 10, run.trie(), rows, seen, run::signal, 24);
        List<TitleGenerator.Generated> beams = run.generator().generate(List.of(ask)).get(0);
        assertThat(beams).hasSize(10).allSatisfy(g -> assertThat(titles).contains(g.text()));
        Set<String> seenTitles = new HashSet<>();
        t.history().forEach(id -> seenTitles.add(d.titles().get(id)));
        assertThat(beams).noneSatisfy(g -> assertThat(seenTitles).contains(g.text()));

        // the rerank pipeline at λ = 1 is SASRec's own order of its top unseen items; at λ = 0 the LLM's
        ServingPipeline.Grounding fill = new ServingPipeline.Grounding(100, 0, "sasrec", 5);
        List<String> sasrecOrder = dev.recsys.ranking.signal.SignalRanking.top(run.sequential().scores(rows), seen, 10)
            .stream().map(r -> run.catalogue().get(r).title()).distinct().toList();
        List<String> titlesOf = t.history().stream().map(d.titles()::get).toList();
        List<TitleGenerator.Generated> byAssistant = run.generator().generate(List.of(PipelineGeneration.ask(
            new ServingPipeline(ServingPipeline.Kind.RERANK, new ServingPipeline.Generation(10, 10, true, false, 1),
                fill), titlesOf, 10, run.trie(), rows, seen, run::signal, 24))).get(0);
        assertThat(byAssistant).extracting(TitleGenerator.Generated::text).isEqualTo(sasrecOrder);
        List<TitleGenerator.Generated> byLlm = run.generator().generate(List.of(PipelineGeneration.ask(
            new ServingPipeline(ServingPipeline.Kind.RERANK, new ServingPipeline.Generation(10, 10, true, false, 0),
                fill), titlesOf, 10, run.trie(), rows, seen, run::signal, 24))).get(0);
        assertThat(byLlm).extracting(TitleGenerator.Generated::text).containsExactlyInAnyOrderElementsOf(sasrecOrder);
        assertThat(byLlm).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
      }
      // the titles' priors: each title's likelihood after a prompt without a history, computed once,
      // written to serving/ (publish ships that file) and read back with the same numbers
      double[] priors = run.titlePriors();
      assertThat(priors).hasSize(run.catalogue().size());
      assertThat(java.util.Arrays.stream(priors).max().orElseThrow()).isNegative();
      assertThat(new double[] {priors[0], priors[7], priors[42]}).containsExactly(
          run.generator().logLikelihoods(List.of(), run.trie(), new int[] {0, 7, 42}), within(1e-4));
      assertThat(TitlePriorsFile.read(dir.resolve(RunServing.DIR).resolve(ReleaseLayout.LLM_TITLE_PRIOR),
          run.catalogue())).containsExactly(priors);
      assertThat(run.titlePriors()).isSameAs(priors);
      // computed again (batches in parallel), the same numbers exactly: the generator's file and eval agree
      assertThat(run.generator().titlePriors(run.trie())).containsExactly(priors);
      // the rerank scored by the pointwise mutual information per token, as the generator serves it
      {
        Sample t = splits.test().get(0);
        Set<Integer> seen = new HashSet<>();
        t.history().forEach(id -> seen.add(run.catalogue().indexOf(id)));
        int[] rows = seen.stream().mapToInt(Integer::intValue).toArray();
        List<String> titlesOf = t.history().stream().map(d.titles()::get).toList();
        ServingPipeline pmi = new ServingPipeline(ServingPipeline.Kind.RERANK,
            new ServingPipeline.Generation(10, 10, true, true, 0.3, 1), new ServingPipeline.Grounding(100, 0, "sasrec", 5));
        List<TitleGenerator.Generated> served = run.generator().generate(List.of(PipelineGeneration.ask(pmi, titlesOf,
            10, run.trie(), rows, seen, run::signal, 24, priors))).get(0);
        TitleGenerator.Candidates c = PipelineGeneration.candidates(run.sequential(), rows, seen, 10, run.trie());
        double[] ll = run.generator().logLikelihoods(titlesOf, run.trie(), c.rows());
        java.util.Map<String, Double> byHand = new java.util.HashMap<>();
        for (int i = 0; i < c.rows().length; i++) {
          byHand.merge(run.catalogue().get(c.rows()[i]).title(), 0.7 * (ll[i] - priors[c.rows()[i]])
              / run.trie().tokens(c.rows()[i]).length + 0.3 * c.assistantLogProbs()[i], Math::max);
        }
        assertThat(served).hasSize(byHand.size()).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()))
            .allSatisfy(g -> assertThat(g.score()).isCloseTo(byHand.get(g.text()), within(1e-6)));
        assertThatThrownBy(() -> PipelineGeneration.ask(pmi, titlesOf, 10, run.trie(), rows, seen, run::signal, 24))
            .hasMessageContaining("needs the titles' priors");
      }
      // continuous batching: asks joining a running batch between its steps get what they get alone;
      // an ask that ranks candidates (no beam search) is never offered as fitting
      java.util.function.Function<Sample, TitleGenerator.Ask> beamAsk = t -> {
        Set<Integer> seen = new HashSet<>();
        t.history().forEach(id -> seen.add(run.catalogue().indexOf(id)));
        return PipelineGeneration.ask(new ServingPipeline(ServingPipeline.Kind.D3,
            new ServingPipeline.Generation(4, 4, true, false, 0.5), new ServingPipeline.Grounding(100, 0, "sasrec", 0)),
            t.history().stream().map(d.titles()::get).toList(), 4, run.trie(), seen.stream().mapToInt(i -> i).toArray(),
            seen, run::signal, 24);
      };
      List<TitleGenerator.Ask> asks = splits.test().subList(5, 9).stream().map(beamAsk).toList();
      Sample other = splits.test().get(9);
      Set<Integer> otherSeen = new HashSet<>();
      other.history().forEach(id -> otherSeen.add(run.catalogue().indexOf(id)));
      TitleGenerator.Ask rerank = PipelineGeneration.ask(new ServingPipeline(ServingPipeline.Kind.RERANK,
          new ServingPipeline.Generation(10, 10, true, false, 0.5), new ServingPipeline.Grounding(100, 0, "sasrec", 5)),
          other.history().stream().map(d.titles()::get).toList(), 10, run.trie(),
          otherSeen.stream().mapToInt(i -> i).toArray(), otherSeen, run::signal, 24);
      List<List<TitleGenerator.Generated>> alone = asks.stream().map(a -> run.generator().generate(List.of(a)).get(0))
          .toList();
      java.util.Map<Integer, List<TitleGenerator.Generated>> joinedRun = new java.util.HashMap<>();
      int[] calls = {0};
      run.generator().generate(List.of(asks.get(0)), joinedRun::put, fits -> {
        assertThat(fits.test(rerank)).isFalse();
        return switch (calls[0]++) {
          case 0 -> asks.subList(1, 3).stream().filter(fits).toList();
          case 2 -> asks.subList(3, 4).stream().filter(fits).toList();
          default -> List.of();
        };
      });
      assertThat(calls[0]).isGreaterThan(2);
      assertThat(joinedRun).containsOnlyKeys(0, 1, 2, 3);
      for (int i = 0; i < asks.size(); i++) {
        assertThat(joinedRun.get(i)).extracting(TitleGenerator.Generated::text).as("ask %d", i)
            .containsExactlyElementsOf(alone.get(i).stream().map(TitleGenerator.Generated::text).toList());
      }
      report = new Evaluation(run, new Evaluation.Options(20, 20, 0, 2, 24)).run("bigrec", splits.valid(),
          splits.test(), QUIET_EVAL);
      // narrowed to one LLM family: only it and the rankings without the LLM are tried and reported
      EvalReport narrowed = new Evaluation(run, new Evaluation.Options(20, 20, 0, 2, 24,
          java.util.Set.of(ServingPipeline.Kind.RERANK))).run("bigrec", splits.valid(), splits.test(), QUIET_EVAL);
      assertThat(narrowed.families()).containsExactly("llm-rerank");
      assertThat(narrowed.bestByKind()).containsOnlyKeys("llm-rerank", "sasrec+llm-rerank", "transitions+llm-rerank",
          "mix+llm-rerank", "sequential", "mix");
      assertThat(narrowed.rows()).extracting(EvalReport.Row::method).noneMatch(m -> m.startsWith("BIGRec")
          || m.startsWith("D3"));
      assertThat(narrowed.markdown()).contains("the LLM families llm-rerank.");
      // and to the re-ranking of some candidate lists only
      EvalReport sources = new Evaluation(run, new Evaluation.Options(20, 20, 0, 2, 24,
          java.util.Set.of(ServingPipeline.Kind.RERANK), java.util.Set.of("mix"))).run("bigrec", splits.valid(),
          splits.test(), QUIET_EVAL);
      assertThat(sources.bestByKind()).containsKey("mix+llm-rerank").doesNotContainKeys("sasrec+llm-rerank",
          "transitions+llm-rerank");
      assertThat(sources.markdown()).contains("the LLM families llm-rerank (the candidates of mix only).");
      assertThatThrownBy(() -> new Evaluation.Options(20, 20, 0, 2, 24, java.util.Set.of(ServingPipeline.Kind.RERANK),
          java.util.Set.of("popularity"))).hasMessageContaining("not [popularity]");
      // the same samples and code: the rows both evaluations share agree exactly
      assertThat(narrowed.rows().get(2)).isEqualTo(report.rows().get(2));
    }
    assertThat(report.rows()).extracting(EvalReport.Row::method).startsWith("popularity", "item-to-item transitions",
        "SASRec", Evaluation.COOCCURRENCE_ROW, Evaluation.SIMILAR_ROW, Evaluation.MIXTURE_ROW, "BIGRec (top beam, L2 grounding)");
    assertThat(report.rows()).filteredOn(EvalReport.Row::served).hasSize(1);
    assertThat(report.rows()).allSatisfy(r -> assertThat(r.whole().samples()).isEqualTo(20));
    assertThat(report.servingValidNdcg10()).isGreaterThanOrEqualTo(report.bestNonLlmValidNdcg10());
    double top = report.validation().get(0).validNdcg10();
    if (top > report.servingValidNdcg10()) { // the two-standard-error rule preferred the ranking without the LLM
      assertThat(report.serving().usesLlm()).isFalse();
      assertThat(report.servingValidNdcg10()).isEqualTo(report.bestNonLlmValidNdcg10());
      assertThat(top - report.servingValidNdcg10())
          .isLessThanOrEqualTo(Evaluation.LLM_LEAD_STANDARD_ERRORS * report.marginStdError() + 1e-12);
      assertThat(report.markdown()).contains("the LLM's lead was within 2 paired standard errors");
    } else {
      assertThat(top).isEqualTo(report.servingValidNdcg10());
    }
    // the rerank's scores were tried: D3's summed likelihood, per token, and less the titles' priors
    assertThat(report.validation()).extracting(EvalReport.Trial::pipeline)
        .anyMatch(p -> p.startsWith("sasrec+llm-rerank") && p.contains("(1-λ) log p_LLM + λ"))
        .anyMatch(p -> p.startsWith("sasrec+llm-rerank") && p.contains("log p_LLM per token"))
        .anyMatch(p -> p.startsWith("mix") && p.contains("no history)) per token") && p.contains("β=0.5"))
        .anyMatch(p -> p.startsWith("transitions+llm-rerank") && p.contains("no history)) + λ") && p.contains("β=1"));
    assertThat(report.bestByKind()).containsKeys("bigrec", "bigrec-union", "d3", "llm-rerank", "sequential",
        "sasrec+llm-rerank", "transitions+llm-rerank", "mix", "mix+llm-rerank");
    // the best of the grid over SASRec, co-occurrence and similarity (66 - 3 weightings)
    assertThat(Evaluation.mixtures(false)).hasSize(9).noneMatch(m -> m.contains("sasrec"))
        .contains("mix(cooccurrence=0.6,similar=0.4)");
    assertThat(Evaluation.mixtures(true)).hasSize(63).doesNotHaveDuplicates()
        .contains(report.bestByKind().get("mix").pipeline().grounding().signal());
    // the margin of the choice over the other side (with / without the LLM), with its noise
    assertThat(report.runnerUp()).isNotNull();
    assertThat(report.marginStdError()).isNotNegative();
    assertThat(report.markdown()).contains("paired standard error");
    assertThat(dir.resolve(RunServing.DIR).resolve(ReleaseLayout.LLM_INDEX)).isRegularFile();
    new com.fasterxml.jackson.databind.ObjectMapper().writeValue(dir.resolve(EvalReport.FILE_NAME).toFile(), report);
    EvalReport read = EvalReport.read(dir);
    assertThat(read.serving()).isEqualTo(report.serving());
    assertThat(read.marginStdError()).isEqualTo(report.marginStdError());
    assertThatThrownBy(() -> RunReleases.choose(read, "nonsense")).hasMessageContaining("bigrec-union");

    // the run ships in a release exactly as evaluated: base, adapter, the serving files, SASRec, pipeline
    FileArtifactStore store = new FileArtifactStore(dir.resolve("store"));
    EvalReport.Candidate chosen = RunReleases.choose(read, null);
    ReleaseManifest m = new ReleaseBuilder(store, new MiniLmEncoder()).publish(ReleaseBuilder.Request.to("default", d,
        splits.train()).provenance("h", "bigrec").producer("test").index(false).run(RunReleases.llmRun(dir, read, chosen)),
        n -> { });
    assertThat(store.verify("default", m.release()).files()).containsKeys("base/config.json", "base/model.safetensors",
        "base/tokenizer.json", "adapter/adapter_config.json", "adapter/adapter_model.safetensors",
        ReleaseLayout.LLM_EMBEDDINGS, ReleaseLayout.LLM_INDEX, ReleaseLayout.SASREC, "embeddings.bin",
        "catalogue.tsv");
    Path releaseDir = store.releaseDir("default", m.release());
    EmbeddingMatrix llm = SnapshotFile.read(releaseDir.resolve(ReleaseLayout.LLM_EMBEDDINGS));
    assertThat(llm.rows()).isEqualTo(300);
    assertThat(llm.dimension()).isEqualTo(Profile.quick().hidden());
    assertThat(m.params()).containsEntry("pipeline.name", report.serving().name());
    ReleaseParams.Metrics metrics = store.open("default", m.release()).params().metrics();
    assertThat(metrics.validNdcg10()).hasValue(chosen.validNdcg10());
    assertThat(metrics.bestNonLlm()).contains(read.bestNonLlm());
    assertThat(metrics.testNdcg10()).hasValue(read.rowOf(chosen.pipeline()).orElseThrow().whole().ndcg().get(10));

    // a release ranking with the titles' priors ships them, only while they are this run's model's
    ServingPipeline pmiPipeline = new ServingPipeline(ServingPipeline.Kind.RERANK,
        new ServingPipeline.Generation(10, 10, true, true, 0.3, 1), new ServingPipeline.Grounding(100, 0, "sasrec", 5));
    ReleaseBuilder.LlmRun pmiRun = new ReleaseBuilder.LlmRun(dir,
        dev.recsys.ranking.encoder.LlmEncoder.idOf(dir.resolve(ReleaseLayout.BASE)), pmiPipeline,
        ReleaseParams.Metrics.NONE);
    java.util.function.Supplier<ReleaseManifest> publishPmi = () -> {
      try {
        return new ReleaseBuilder(store, new MiniLmEncoder()).publish(ReleaseBuilder.Request.to("pmi", d,
            splits.train()).provenance("h", "bigrec").producer("test").index(false).run(pmiRun), n -> { });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    ReleaseManifest withPriors = publishPmi.get();
    assertThat(store.verify("pmi", withPriors.release()).files()).containsKey(ReleaseLayout.LLM_TITLE_PRIOR);
    Path source = dir.resolve(RunServing.DIR).resolve(RunServing.PRIOR_SOURCE);
    String recorded = Files.readString(source);
    Files.writeString(source, "another-base/another-adapter\n");
    assertThatThrownBy(publishPmi::get).hasMessageContaining(ReleaseLayout.LLM_TITLE_PRIOR)
        .hasMessageContaining("computed with another-base/another-adapter but the run's model is");
    Files.delete(source);
    assertThatThrownBy(publishPmi::get).hasMessageContaining(ReleaseLayout.LLM_TITLE_PRIOR)
        .hasMessageContaining("missing, but the serving pipeline " + pmiPipeline.name());
    Files.writeString(source, recorded);

    // the grounding service's loader reads back the same pipeline, and ranks texts as the run does
    try (GroundingSnapshot loaded = new SnapshotLoader(new MiniLmEncoder(), HnswItemIndex.Params.defaults(), 100, 4,
        true).load("default", store.open("default", m.release()));
         RunServing run = RunServing.open(d, splits.train(), dir, n -> { })) {
      assertThat(loaded.pipeline()).isEqualTo(report.serving());
      ServingPipeline union = new ServingPipeline(ServingPipeline.Kind.UNION,
          new ServingPipeline.Generation(4, 4, true, true, 0), new ServingPipeline.Grounding(100, 20, "sasrec", 2));
      GroundingSnapshot offline = run.snapshot(union, run.signals(), run.index());
      Grounder g = new Grounder();
      for (Sample t : splits.test().subList(0, 10)) {
        List<String> texts = t.history().subList(0, Math.min(2, t.history().size())).stream().map(d.titles()::get)
            .toList();
        int[] rows = t.history().stream().mapToInt(run.catalogue()::indexOf).toArray();
        Grounder.Request r = new Grounder.Request(texts, rows, Set.of(), 20, union.grounding());
        List<Integer> a = g.ground(offline, r).stream().map(GroundedCandidate::row).toList();
        List<Integer> b = g.ground(loaded.withPipeline(union), r).stream().map(GroundedCandidate::row).toList();
        assertThat(b).isEqualTo(a).hasSize(20);
      }
    }

    // resuming a finished run keeps every phase: nothing is trained again, the files are untouched
    byte[] weights = Files.readAllBytes(base.resolve("model.safetensors"));
    byte[] sasrec = Files.readAllBytes(dir.resolve(ReleaseLayout.SASREC));
    TrainingRun.Summary again = TrainingRun.run(d, splits.train(), splits.valid(), Profile.quick(), 0, dir,
        new TrainingRun.Listener() {
          @Override
          public void phase(String name, int totalSteps) {
            throw new AssertionError("phase " + name + " should have been kept");
          }

          @Override
          public void step(int step, float loss, long tokens) { }
        }, true);
    assertThat(again.pretrain().steps()).isZero();
    assertThat(again.fineTune().steps()).isZero();
    assertThat(again.sequential()).isNull();
    assertThat(Files.readAllBytes(base.resolve("model.safetensors"))).isEqualTo(weights);
    assertThat(Files.readAllBytes(dir.resolve(ReleaseLayout.SASREC))).isEqualTo(sasrec);

    // a phase whose output was removed is trained again on resume, though its marker is there
    Files.delete(dir.resolve(ReleaseLayout.SASREC));
    List<String> phases = new java.util.ArrayList<>();
    TrainingRun.Summary retrained = TrainingRun.run(d, splits.train(), splits.valid(), Profile.quick(), 0, dir,
        new TrainingRun.Listener() {
          @Override
          public void phase(String name, int totalSteps) {
            phases.add(name);
          }

          @Override
          public void step(int step, float loss, long tokens) { }
        }, true);
    assertThat(phases).singleElement().asString().contains("SASRec");
    assertThat(retrained.sequential()).isNotNull();
    assertThat(Files.readAllBytes(dir.resolve(ReleaseLayout.SASREC))).isEqualTo(sasrec); // deterministic per seed
  }
}
