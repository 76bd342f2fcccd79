package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hugging Face's beam search rules ({@code transformers} 4.53, no sampling, {@code
 * early_stopping=False}) on hand-made log-probabilities: vocabulary of 5, eos = 0. The model-driven
 * checks are in {@link DecodingTest}; {@code scripts/bench.sh hf} compares whole searches with
 * {@code generate()}.
 */
class BeamSearchRulesTest {
  static final float X = -9f; // an unlikely token

  private static Decoding.Search search(int width, int maxNewTokens) {
    return new Decoding.Search(0, new Decoding.BeamRequest(new long[] {1}, width, maxNewTokens, 0, null));
  }

  private static List<List<Long>> tokens(List<long[]> beams) {
    return beams.stream().map(b -> java.util.Arrays.stream(b).boxed().toList()).toList();
  }

  private static List<List<Long>> finished(Decoding.Search s) {
    return tokens(s.result().stream().map(Decoding.Hypothesis::tokens).toList());
  }

  @Test
  void anEosRankedBelowTheWidth_finishesNoHypothesis_andTheBestContinuationsGoOn() {
    Decoding.Search s = search(2, 5);
    s.start(new float[] {-5f, -0.1f, -0.2f, X, X});
    assertThat(tokens(s.beams)).containsExactly(List.of(1L), List.of(2L));
    // [1,1] -0.11, [1,2] -0.12, then [1,eos] -0.6 is third of the 2 x 2 ranked: dropped
    s.step(1, new float[][] {{-0.5f, -0.01f, -0.02f, X, X}, {-5f, -5f, -5f, -5f, -5f}});
    assertThat(s.result()).isEmpty();
    assertThat(tokens(s.beams)).containsExactly(List.of(1L, 1L), List.of(1L, 2L));
  }

  @Test
  void aHypothesisThatFinishes_leavesTheWidthOfBeamsOpen() {
    Decoding.Search s = search(2, 5);
    s.start(new float[] {-0.2f, -0.1f, -0.5f, -2f, X});
    assertThat(finished(s)).containsExactly(List.of(0L));
    assertThat(tokens(s.beams)).containsExactly(List.of(1L), List.of(2L));
  }

  @Test
  void theFinishedAreTheBestByLengthNormalisedScore_andTheSearchGoesOnWhileAnOpenBeamCouldEnterThem() {
    Decoding.Search s = search(2, 5);
    s.start(new float[] {-0.3f, -0.1f, -2f, X, X}); // [eos] -0.3 finished; [1], [2] open
    s.step(1, new float[][] {{-0.01f, X, X, -0.1f, X}, {X, X, X, X, X}});
    // [1,eos] -0.11/2 finished; [1,3] -0.2 open and, ending now, would score -0.1 > -0.3: go on
    assertThat(finished(s)).containsExactly(List.of(1L, 0L), List.of(0L));
    assertThat(s.open(2)).isTrue();
    s.step(2, new float[][] {{-0.01f, X, X, X, X}, {X, X, X, X, X}});
    // [1,3,eos] -0.21/3 = -0.07 replaces [eos] -0.3
    assertThat(finished(s)).containsExactly(List.of(1L, 0L), List.of(1L, 3L, 0L));
    assertThat(s.result().get(0).score()).isCloseTo(-0.11 / 2, within(1e-6));
    assertThat(s.result().get(1).score()).isCloseTo(-0.21 / 3, within(1e-6));
  }

  @Test
  void theSearchStops_whenNoOpenBeamCouldBeatTheWorstFinished() {
    Decoding.Search s = search(2, 5);
    s.start(new float[] {-0.2f, -0.1f, -0.3f, X, X}); // [eos] -0.2 finished; [1] -0.1, [2] -0.3 open
    s.step(1, new float[][] {{-0.05f, -1f, X, X, X}, {X, X, X, X, X}});
    // [1,eos] -0.075 finished; best open [1,1] -1.1 would score -0.55 < -0.2
    assertThat(finished(s)).containsExactly(List.of(1L, 0L), List.of(0L));
    assertThat(s.open(2)).isFalse();
  }

  @Test
  void atTheTokenLimit_theBestContinuationsWithinTheWidthFinish() {
    Decoding.Search s = search(2, 2);
    s.start(new float[] {X, -0.1f, -0.2f, X, X});
    s.step(1, new float[][] {{X, -0.1f, -0.3f, X, X}, {X, -0.05f, X, X, X}});
    // ranked: [1,1] -0.2, [2,1] -0.25, [1,2] -0.4: the first two finish at the limit
    assertThat(finished(s)).containsExactly(List.of(1L, 1L), List.of(2L, 1L));
    assertThat(s.open(2)).isFalse();
  }
}
