package dev.recsys.ranking.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.ranking.signal.ItemSignal;
import java.util.HashMap;
import org.assertj.core.data.Offset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServingPipelineTest {
  static final ServingPipeline D3 = new ServingPipeline(ServingPipeline.Kind.D3,
      new ServingPipeline.Generation(10, 10, true, false, 0.5), new ServingPipeline.Grounding(100, 0, "sasrec", 2));

  @Test
  void manifestParamsRoundTrip() {
    Map<String, String> p = D3.toParams();
    assertThat(p).containsEntry("pipeline.kind", "d3").containsEntry("pipeline.name", "d3+sasrec");
    assertThat(ServingPipeline.fromParams(p, 1, 1)).isEqualTo(D3);
    ServingPipeline seq = ServingPipeline.sequential("sasrec");
    assertThat(ServingPipeline.fromParams(seq.toParams(), 1, 1)).isEqualTo(seq);
    assertThat(seq.name()).isEqualTo("sasrec");
    assertThat(seq.usesLlm()).isFalse();
    assertThat(D3.needsSequential()).isTrue();
  }

  @Test
  void theRerankIsNamedAfterItsCandidateSource_andNeedsSasRecOnlyWhenThatIsTheSource() {
    ServingPipeline.Generation g = new ServingPipeline.Generation(30, 30, true, false, 0.5);
    ServingPipeline bySasRec = new ServingPipeline(ServingPipeline.Kind.RERANK, g,
        new ServingPipeline.Grounding(100, 0, "sasrec", 5));
    ServingPipeline byTransitions = new ServingPipeline(ServingPipeline.Kind.RERANK, g,
        new ServingPipeline.Grounding(100, 0, "transitions", 5));
    assertThat(bySasRec.name()).isEqualTo("sasrec+llm-rerank");
    assertThat(byTransitions.name()).isEqualTo("transitions+llm-rerank");
    assertThat(bySasRec.generationNeedsSequential()).isTrue();
    assertThat(byTransitions.generationNeedsSequential()).isFalse(); // λ > 0 weighs the transitions, not SASRec
    assertThat(byTransitions.needsSequential()).isFalse();
    assertThat(byTransitions.describe()).startsWith("transitions+llm-rerank (transitions's top 30 unseen items ranked "
        + "by (1-λ) log p_LLM + λ log p_transitions, λ=0.5");
    assertThat(ServingPipeline.fromParams(byTransitions.toParams(), 1, 1)).isEqualTo(byTransitions);
    // a source the generator does not load is refused when the manifest is read, not per request
    Map<String, String> byPopularity = new HashMap<>(byTransitions.toParams());
    byPopularity.put("pipeline.signal", "popularity");
    assertThatThrownBy(() -> ServingPipeline.fromParams(byPopularity, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the rerank pipeline takes its candidates from [sasrec, transitions] or their mixture, not "
            + "'popularity'");
  }

  @Test
  void theRerankScoredByPointwiseMutualInformation_recordsItsPriorWeight_andNeedsTheTitlesPriors() {
    ServingPipeline pmi = new ServingPipeline(ServingPipeline.Kind.RERANK,
        new ServingPipeline.Generation(30, 30, true, true, 0.6, 1), new ServingPipeline.Grounding(100, 0, "sasrec", 5));
    assertThat(pmi.toParams()).containsEntry("pipeline.priorWeight", "1.0").containsEntry("pipeline.lengthNormalised",
        "true");
    assertThat(ServingPipeline.fromParams(pmi.toParams(), 1, 1)).isEqualTo(pmi);
    assertThat(pmi.needsTitlePriors()).isTrue();
    assertThat(pmi.generation().candidateScore()).isEqualTo(new dev.recsys.llm.CandidateScore(0.6, 1, true));
    assertThat(pmi.describe()).contains("(log p_LLM - β log p_LLM(no history)) per token + λ log p_sasrec, λ=0.6, β=1");
    // a manifest written before the prior weight existed ranks without one
    Map<String, String> old = new HashMap<>(pmi.toParams());
    old.remove("pipeline.priorWeight");
    assertThat(ServingPipeline.fromParams(old, 1, 1).generation().priorWeight()).isZero();
    assertThat(ServingPipeline.fromParams(old, 1, 1).needsTitlePriors()).isFalse();
    // at λ = 1 the LLM has no say, so its priors are not needed either
    assertThat(new ServingPipeline(ServingPipeline.Kind.RERANK, new ServingPipeline.Generation(30, 30, true, true, 1, 1),
        new ServingPipeline.Grounding(100, 0, "sasrec", 5)).needsTitlePriors()).isFalse();
    Map<String, String> tooHeavy = new HashMap<>(pmi.toParams());
    tooHeavy.put("pipeline.priorWeight", "2");
    assertThatThrownBy(() -> ServingPipeline.fromParams(tooHeavy, 1, 1)).hasMessageContaining("prior weight must be "
        + "in [0, 1], got 2.0");
    assertThatThrownBy(() -> new ServingPipeline(ServingPipeline.Kind.D3, new ServingPipeline.Generation(10, 10, true,
        false, 0.5, 1), new ServingPipeline.Grounding(100, 0, "sasrec", 2)))
        .hasMessageContaining("only the rerank pipeline weighs titles' priors, not d3");
  }

  @Test
  void aSignalsLogProbabilities_normaliseCounts_andSoftmaxLogits_overTheRowsThatMayBeRecommended() {
    ItemSignal counts = new ItemSignal() {
      @Override
      public String name() {
        return "counts";
      }

      @Override
      public float[] scores(int[] historyRows) {
        return new float[] {0, 2, 6, 2, 9};
      }
    };
    float[] scores = counts.scores(new int[0]);
    // row 4 is excluded (seen): the distribution is over rows 0-3, total 10; row 0's zero gets a floor
    assertThat(counts.logProbabilities(scores, Set.of(4), new int[] {2, 1, 0})).containsExactly(
        new double[] {Math.log(0.6), Math.log(0.2), Math.log(2e-6 / 10)}, Offset.offset(1e-9));
    double[] softmax = ItemSignal.logSoftmax(new float[] {0, 1, 5}, Set.of(2), new int[] {1, 0});
    assertThat(softmax).containsExactly(new double[] {1 - Math.log(1 + Math.E), -Math.log(1 + Math.E)},
        Offset.offset(1e-9));
  }

  @Test
  void withoutTexts_theSequentialModelWhenThePipelineUsesIt_elseTheTransitions() {
    assertThat(ServingPipeline.withoutTexts(D3)).isEqualTo(ServingPipeline.sequential("sasrec"));
    ServingPipeline bigrecPopularity = new ServingPipeline(ServingPipeline.Kind.BIGREC,
        new ServingPipeline.Generation(4, 4, true, true, 0), new ServingPipeline.Grounding(100, 0, "popularity", 1));
    assertThat(ServingPipeline.withoutTexts(bigrecPopularity)).isEqualTo(ServingPipeline.sequential("transitions"));
    ServingPipeline alone = ServingPipeline.sequential("popularity");
    assertThat(ServingPipeline.withoutTexts(alone)).isSameAs(alone);
  }

  @Test
  void theMixtureOfSasRecAndTheTransitions_needsSasRec_ranksTheLlmsCandidates_andIsItsOwnFallback() {
    String mix = "mix(sasrec=0.4,transitions=0.6)";
    ServingPipeline alone = ServingPipeline.sequential(mix);
    assertThat(alone.name()).isEqualTo(mix);
    assertThat(alone.needsSequential()).isTrue();
    ServingPipeline rerank = new ServingPipeline(ServingPipeline.Kind.RERANK,
        new ServingPipeline.Generation(30, 30, true, false, 0.5), new ServingPipeline.Grounding(100, 0, mix, 5));
    assertThat(rerank.name()).isEqualTo(mix + "+llm-rerank");
    assertThat(rerank.generationNeedsSequential()).isTrue();
    assertThat(ServingPipeline.fromParams(rerank.toParams(), 1, 1)).isEqualTo(rerank);
    assertThat(ServingPipeline.withoutTexts(rerank)).isEqualTo(alone);
    Map<String, String> malformed = new HashMap<>(rerank.toParams());
    malformed.put("pipeline.signal", "mix(sasrec=0.4,transitions=0.9)");
    assertThatThrownBy(() -> ServingPipeline.fromParams(malformed, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sum to 1.3, not 1");
  }

  @Test
  void aReleaseWithoutAPipelineServesBigRecWithPopularity() {
    ServingPipeline p = ServingPipeline.fromParams(Map.of("llm.gamma", "5.0", "gamma", "1.0"), 100, 4);
    assertThat(p.kind()).isEqualTo(ServingPipeline.Kind.BIGREC);
    assertThat(p.grounding()).isEqualTo(new ServingPipeline.Grounding(100, 0, "popularity", 5.0));
    assertThat(p.generation().texts()).isEqualTo(4);
    assertThat(ServingPipeline.fromParams(Map.of(), 100, 4).grounding().gamma()).isZero();
  }

  @Test
  void malformedParamsNameTheParameter() {
    Map<String, String> p = new HashMap<>(D3.toParams());
    p.put("pipeline.beams", "many");
    assertThatThrownBy(() -> ServingPipeline.fromParams(p, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("many");
    p.put("pipeline.beams", "10");
    p.remove("pipeline.signal");
    assertThatThrownBy(() -> ServingPipeline.fromParams(p, 1, 1)).hasMessageContaining("pipeline.signal");
    p.put("pipeline.signal", "sasrec");
    p.put("pipeline.constrained", "yes");
    assertThatThrownBy(() -> ServingPipeline.fromParams(p, 1, 1)).hasMessageContaining("true or false");
    p.put("pipeline.constrained", "true");
    p.put("pipeline.kind", "magic");
    assertThatThrownBy(() -> ServingPipeline.fromParams(p, 1, 1)).hasMessageContaining("unknown pipeline kind");
    assertThatThrownBy(() -> new ServingPipeline.Generation(4, 2, true, true, 0)).hasMessageContaining("beams");
    assertThatThrownBy(() -> new ServingPipeline.Grounding(100, 0, "sasrec", -1)).hasMessageContaining("gamma");
  }

  @Test
  void assistantIsTheSoftmaxOverItemsThatMayBeGenerated() {
    float[] p = PipelineGeneration.assistant(new float[] {0, (float) Math.log(3), 5}, Set.of(2));
    assertThat(p[0]).isCloseTo(0.25f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(p[1]).isCloseTo(0.75f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(p[2]).isZero();
  }
}
