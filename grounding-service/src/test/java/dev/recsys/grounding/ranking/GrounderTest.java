package dev.recsys.grounding.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.grounding.TestSnapshots;
import dev.recsys.grounding.snapshot.GroundingSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrounderTest {
  final GroundingSnapshot line = TestSnapshots.line();
  final Grounder grounder = new Grounder(TestSnapshots.lookupEncoder(Map.of(
      "near-a", new float[] {0.1f, 0}, "near-d", new float[] {3.1f, 0}, "between", new float[] {2.5f, 0})), 100);

  static List<Integer> rows(List<GroundedCandidate> cs) {
    return cs.stream().map(GroundedCandidate::row).toList();
  }

  @Test
  void ranksByDistance_withMinMaxScores() {
    List<GroundedCandidate> r = grounder.ground(line, List.of("near-a"), 5, Set.of(), 0.0);
    assertThat(rows(r)).containsExactly(0, 1, 2, 3, 4);
    assertThat(r.get(0).score()).isEqualTo(0.0);
    assertThat(r.get(4).score()).isEqualTo(1.0);
  }

  @Test
  void excludedItemsNeverReturned_andKIsRespected() {
    List<GroundedCandidate> r = grounder.ground(line, List.of("near-a"), 2, Set.of(0, 1), 0.0);
    assertThat(rows(r)).containsExactly(2, 3);
  }

  @Test
  void gammaPullsPopularItemsForward_butNeverChangesTop1() {
    // "between" (x=2.5): c and d tie for nearest at distance 0.5; e (x=4, W=1) is far.
    List<GroundedCandidate> plain = grounder.ground(line, List.of("between"), 5, Set.of(), 0.0);
    List<GroundedCandidate> popular = grounder.ground(line, List.of("between"), 5, Set.of(), 10.0);
    assertThat(rows(plain).indexOf(4)).isGreaterThan(rows(popular).indexOf(4));
    assertThat(plain.get(0).row()).isEqualTo(popular.get(0).row());
  }

  @Test
  void mergesTexts_eachTextsNearestFirstInGenerationOrder() {
    List<GroundedCandidate> r = grounder.ground(line, List.of("near-d", "near-a"), 5, Set.of(), 0.0);
    assertThat(rows(r).subList(0, 2)).containsExactly(3, 0);
    assertThat(r.get(0).sourceText()).isZero();
    assertThat(r.get(1).sourceText()).isEqualTo(1);
    assertThat(rows(r)).doesNotHaveDuplicates().hasSize(5);
  }
}
