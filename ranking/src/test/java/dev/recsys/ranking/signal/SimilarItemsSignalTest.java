package dev.recsys.ranking.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.recsys.common.embedding.EmbeddingMatrix;
import org.junit.jupiter.api.Test;

class SimilarItemsSignalTest {
  /** Five items on a circle: 0 and 1 close, 2 between 1 and 3, 4 opposite 0. Lengths differ (cosine ignores them). */
  static final EmbeddingMatrix CIRCLE = EmbeddingMatrix.of("test", new float[][] {
      {1f, 0f}, {2f * 0.98f, 2f * 0.199f}, {0.7f, 0.714f}, {0f, 3f}, {-1f, 0f}});

  @Test
  void neighboursAreTheNearestByCosine_nearestFirst_neverTheItemItself() {
    SimilarItemsSignal s = SimilarItemsSignal.of(CIRCLE, 2, 0.1);
    assertThat(s.neighbours(0)).containsExactly(1, 2);
    assertThat(s.neighbours(3)).containsExactly(2, 1);
    assertThat(s.neighbours(4)).doesNotContain(4).hasSize(2);
  }

  @Test
  void scores_shareEachHistoryItemsWeightBySoftmaxOfSimilarity_recentItemsCountMore_historyExcluded() {
    SimilarItemsSignal s = SimilarItemsSignal.of(CIRCLE, 2, 0.1);
    float[] one = s.scores(new int[] {0});
    double c1 = Math.cos(Math.atan2(0.199, 0.98));
    double c2 = Math.cos(Math.atan2(0.714, 0.7));
    double e1 = Math.exp(c1 / 0.1);
    double e2 = Math.exp(c2 / 0.1);
    assertThat((double) one[1]).isCloseTo(e1 / (e1 + e2), within(1e-4));
    assertThat((double) one[2]).isCloseTo(e2 / (e1 + e2), within(1e-4));
    assertThat(one[0]).isZero();
    assertThat(one[3]).isZero();

    // history 4 then 0: 0 (the most recent) weighs 1, 4 weighs 1/2; both are excluded
    float[] two = s.scores(new int[] {4, 0});
    assertThat(two[0]).isZero();
    assertThat(two[4]).isZero();
    assertThat((double) two[1]).isGreaterThan(one[1] - 1e-6);
    float[] dist = s.distribution(new int[] {4, 0});
    double sum = 0;
    for (float v : dist) {
      sum += v;
    }
    assertThat(sum).isCloseTo(1, within(1e-5));
    assertThat(s.distribution(new int[0])).containsOnly(0f);
  }

  @Test
  void aRowWithoutDirection_isRefusedNamingIt() {
    EmbeddingMatrix broken = EmbeddingMatrix.of("test", new float[][] {{1f, 0f}, {0f, 0f}});
    assertThatThrownBy(() -> SimilarItemsSignal.of(broken)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has no direction");
  }
}
