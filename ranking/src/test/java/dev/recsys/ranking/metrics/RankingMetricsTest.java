package dev.recsys.ranking.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.ranking.signal.SignalRanking;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
  @Test
  void metrics_followTheDefinitions_andAMissCountsZero() {
    RankingMetrics m = RankingMetrics.of(new int[] {0, 1, 9, 10, RankingMetrics.MISS});
    assertThat(m.hr().get(1)).isEqualTo(0.2);
    assertThat(m.hr().get(10)).isEqualTo(0.6);
    assertThat(m.hr().get(20)).isEqualTo(0.8);
    double expected = (1 + 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(11) / Math.log(2))) / 5;
    assertThat(m.ndcg().get(10)).isCloseTo(expected, Offset.offset(1e-12));
    assertThat(RankingMetrics.ndcg10(new int[] {0, 1, 9, 10, RankingMetrics.MISS})).isCloseTo(expected,
        Offset.offset(1e-12));
    assertThat(RankingMetrics.rankOf(List.of(5, 7, 9), 9)).isEqualTo(2);
    assertThat(RankingMetrics.rankOf(List.of(5, 7, 9), 4)).isEqualTo(RankingMetrics.MISS);
  }

  @Test
  void signalRanking_bestFirst_tiesByRow_excludedLeftOut() {
    float[] s = {0.5f, 0.1f, 0.5f, 0.9f};
    assertThat(SignalRanking.top(s, Set.of(), 3)).containsExactly(3, 0, 2);
    assertThat(SignalRanking.top(s, Set.of(3), 4)).containsExactly(0, 2, 1);
    assertThat(SignalRanking.rank(s, Set.of(), 2)).isEqualTo(2);
    assertThat(SignalRanking.rank(s, Set.of(0), 2)).isEqualTo(1);
  }

  @Test
  void aTargetInTheHistory_isExcludedLikeEverySeenItem_soItIsAMiss() {
    // as served: the gateway leaves out every history item; the evaluation must not know the target
    float[] s = {0.5f, 0.1f, 0.5f, 0.9f};
    Set<Integer> seen = SignalRanking.seen(new int[] {3, 1, 3});
    assertThat(seen).containsExactlyInAnyOrder(1, 3);
    assertThat(SignalRanking.rank(s, seen, 3)).isEqualTo(RankingMetrics.MISS);
    assertThat(RankingMetrics.rankOf(SignalRanking.top(s, seen, 4), 3)).isEqualTo(RankingMetrics.MISS);
    assertThat(SignalRanking.rank(s, seen, 2)).isEqualTo(1);
  }

  @Test
  void pairedStdError_isTheSpreadOfThePerSampleDifferences() {
    int miss = RankingMetrics.MISS;
    // differences 1, -1, 0, 0 (rank 0 has gain 1): mean 0, sample variance 2/3
    int[] a = {0, miss, 5, 3};
    int[] b = {miss, 0, 5, 3};
    assertThat(RankingMetrics.pairedStdError(a, b)).isCloseTo(Math.sqrt(2.0 / 3 / 4), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(RankingMetrics.pairedStdError(a, a)).isZero(); // the same ranking: no noise in its margin
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RankingMetrics.pairedStdError(a, new int[] {0}))
        .hasMessageContaining("4 and 1 samples");
  }
}
