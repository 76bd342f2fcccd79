package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import dev.recsys.ranking.grounding.GroundedCandidate;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.eval.RunServing;
import dev.recsys.trainer.eval.ServedPath;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the trainer's evaluation ranks is what the running services serve: for test histories and
 * one evaluated run published under each kind of serving pipeline (one tenant each), the gateway's
 * generated texts equal the offline generation, and its items and scores equal the offline
 * grounding of those texts, item for item. Besides the pipelines evaluation chose, a mixture of
 * every signal (content similarity included) alone and re-ranked by the LLM, and SASRec's candidates
 * ranked by the LLM's pointwise mutual information with the history (the titles' priors shipped).
 */
class ServedPathParityEndToEndTest {
  @TempDir Path dir;

  @Test
  void offlineRanking_equalsTheRunningServices_underEachPipeline() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    Path run = Releases.trainQuick(d, splits, dir.resolve("run"));
    EvalReport eval = EvalReport.read(run);
    Map<String, ServingPipeline> tenants = new LinkedHashMap<>();
    tenants.put("chosen", eval.serving());
    tenants.put("d3", eval.bestByKind().get("d3").pipeline());
    tenants.put("union", eval.bestByKind().get("bigrec-union").pipeline());
    tenants.put("rerank", eval.bestByKind().get("sasrec+llm-rerank").pipeline());
    tenants.put("rerank-transitions", eval.bestByKind().get("transitions+llm-rerank").pipeline());
    tenants.put("sequential", eval.bestByKind().get("sequential").pipeline());
    tenants.put("mix", eval.bestByKind().get("mix").pipeline());
    tenants.put("rerank-mix", eval.bestByKind().get("mix+llm-rerank").pipeline());
    // every component of a mixture, whatever validation chose: alone, and its candidates re-ranked by the LLM
    String all = "mix(sasrec=0.2,transitions=0.3,cooccurrence=0.2,similar=0.3)";
    ServingPipeline rerankMix = eval.bestByKind().get("mix+llm-rerank").pipeline();
    ServingPipeline.Grounding g = rerankMix.grounding();
    Map<String, ServingPipeline> explicit = new LinkedHashMap<>();
    explicit.put("similar-mix", ServingPipeline.sequential(all));
    explicit.put("rerank-similar-mix", rerankMix.withGrounding(new ServingPipeline.Grounding(g.pool(),
        g.signalCandidates(), all, g.gamma())));
    // SASRec's candidates ranked by the LLM's pointwise mutual information per token: the generator
    // reads the titles' priors from the release (llm-title-prior.tsv), evaluation from the run
    ServingPipeline rerank = eval.bestByKind().get("sasrec+llm-rerank").pipeline();
    explicit.put("rerank-pmi", new ServingPipeline(ServingPipeline.Kind.RERANK, new ServingPipeline.Generation(
        rerank.generation().texts(), rerank.generation().beams(), true, true, 0.5, 1), rerank.grounding()));
    tenants.putAll(explicit);
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> {
      for (Map.Entry<String, ServingPipeline> t : tenants.entrySet()) {
        if (explicit.containsKey(t.getKey())) {
          r.publishRun(t.getKey(), d, splits, run, new EvalReport.Candidate(t.getValue(), 0));
          continue;
        }
        String kind = t.getKey().equals("chosen") ? null
            : t.getKey().equals("mix") ? "mix" : t.getKey().equals("rerank-mix") ? "mix+llm-rerank"
            : t.getValue().kind() == ServingPipeline.Kind.RERANK ? t.getValue().name() : t.getValue().kind().label();
        r.publishRun(t.getKey(), d, splits, run, kind);
      }
    }); RunServing serving = RunServing.open(d, splits.train(), run, n -> { })) {
      ServedPath offline = new ServedPath(serving, 24);
      for (Map.Entry<String, ServingPipeline> t : tenants.entrySet()) {
        ServingPipeline p = t.getValue();
        for (Sample s : splits.test().subList(0, 8)) {
          RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant(t.getKey())
              .addAllHistory(s.history()).setK(20).build());
          assertThat(r.getDegraded()).as(r.getDegradedReason()).isFalse();
          assertThat(r.getServedBy().getPipeline()).isEqualTo(p.name());
          assertThat(r.getGeneratedTextsList()).as("texts of %s for %s", t.getKey(), s.history())
              .isEqualTo(offline.generate(s, p));
          List<GroundedCandidate> expected = offline.ground(s, r.getGeneratedTextsList(), p, 20);
          List<String> ids = r.getItemsList().stream().map(RecommendedItem::getItemId).toList();
          assertThat(ids).as("items of %s for %s", t.getKey(), s.history())
              .isEqualTo(expected.stream().map(c -> serving.catalogue().get(c.row()).id()).toList());
          // the same items in the same order; the scores to float32's rounding: the LLM's likelihoods and
          // embeddings come from PyTorch's CPU kernels in another process, whose last bits can depend on
          // the buffers' alignment (seen once: 2.736163e-6 served vs 2.736161e-6 offline, 7e-7 apart relatively)
          for (int i = 0; i < expected.size(); i++) {
            double want = expected.get(i).score();
            assertThat(r.getItems(i).getScore()).as("score %d of %s for %s", i, t.getKey(), s.history())
                .isCloseTo(want, within(1e-12 + 1e-5 * Math.abs(want)));
          }
        }
      }
    }
  }
}
