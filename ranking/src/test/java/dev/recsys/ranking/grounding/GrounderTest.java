package dev.recsys.ranking.grounding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import dev.recsys.ranking.snapshot.TestSnapshots;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrounderTest {
  final GroundingSnapshot line = TestSnapshots.line(TestSnapshots.lookupEncoder(Map.of(
      "near-a", new float[] {0.1f, 0}, "near-d", new float[] {3.1f, 0}, "between", new float[] {2.5f, 0})));
  final Grounder grounder = new Grounder();

  static List<Integer> rows(List<GroundedCandidate> cs) {
    return cs.stream().map(GroundedCandidate::row).toList();
  }

  List<GroundedCandidate> ground(List<String> texts, int k, Set<Integer> excluded, double gamma) {
    return grounder.ground(line, new Grounder.Request(texts, new int[0], excluded, k,
        new ServingPipeline.Grounding(100, 0, "popularity", gamma)));
  }

  @Test
  void ranksByDistance_withMinMaxScores() {
    List<GroundedCandidate> r = ground(List.of("near-a"), 5, Set.of(), 0.0);
    assertThat(rows(r)).containsExactly(0, 1, 2, 3, 4);
    assertThat(r.get(0).score()).isEqualTo(0.0);
    assertThat(r.get(4).score()).isEqualTo(1.0);
  }

  @Test
  void excludedItemsNeverReturned_andKIsRespected() {
    List<GroundedCandidate> r = ground(List.of("near-a"), 2, Set.of(0, 1), 0.0);
    assertThat(rows(r)).containsExactly(2, 3);
  }

  @Test
  void gammaPullsPopularItemsForward_butNeverChangesTop1() {
    // "between" (x=2.5): c and d tie for nearest at distance 0.5; e (x=4, W=1) is far.
    List<GroundedCandidate> plain = ground(List.of("between"), 5, Set.of(), 0.0);
    List<GroundedCandidate> popular = ground(List.of("between"), 5, Set.of(), 10.0);
    assertThat(rows(plain).indexOf(4)).isGreaterThan(rows(popular).indexOf(4));
    assertThat(plain.get(0).row()).isEqualTo(popular.get(0).row());
  }

  @Test
  void mergesTexts_eachTextsNearestFirstInGenerationOrder() {
    List<GroundedCandidate> r = ground(List.of("near-d", "near-a"), 5, Set.of(), 0.0);
    assertThat(rows(r).subList(0, 2)).containsExactly(3, 0);
    assertThat(r.get(0).sourceText()).isZero();
    assertThat(r.get(1).sourceText()).isEqualTo(1);
    assertThat(rows(r)).doesNotHaveDuplicates().hasSize(5);
  }

  /** Test double of a collaborative signal (SASRec is tested in SasRecFileTest): fixed scores per row. */
  static ItemSignal fixed(String name, float... scores) {
    return new ItemSignal() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public float[] scores(int[] historyRows) {
        return scores.clone();
      }
    };
  }

  GroundingSnapshot withSignal(ItemSignal s) {
    return new GroundingSnapshot(line.catalogue(), line.embeddings(), line.index(), line.encoder(),
        List.of(new PopularitySignal(line.catalogue()), s), line.pipeline(), List.of());
  }

  @Test
  void aCollaborativeSignal_minMaxScaledPerRequest_reweightsTheNeighbours() {
    // near-a: a, b, c, d, e by distance; the signal favours d strongly, then b
    GroundingSnapshot s = withSignal(fixed("sasrec", 0, 5, 0, 10, 0));
    ServingPipeline.Grounding w = new ServingPipeline.Grounding(100, 0, "sasrec", 5);
    List<GroundedCandidate> r = grounder.ground(s, new Grounder.Request(List.of("near-a"), new int[0], Set.of(), 5, w));
    assertThat(rows(r)).containsExactly(0, 3, 1, 2, 4);
    // D~ of d: D^ = (2.9 - 0.1) / (3.9 - 0.1), W = 1
    assertThat(r.get(1).score()).isCloseTo(2.8 / 3.8 * Math.pow(2, -5), org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void unionAddsTheSignalsTopItems_toACandidatePoolThatMissedThem() {
    GroundingSnapshot s = withSignal(fixed("sasrec", 0, 0, 0, 0, 10));
    // a pool of 2 around "near-a" never reaches e; the union adds the signal's top item
    List<GroundedCandidate> pool = grounder.ground(s, new Grounder.Request(List.of("near-a"), new int[0], Set.of(), 2,
        new ServingPipeline.Grounding(2, 0, "sasrec", 50)));
    List<GroundedCandidate> union = grounder.ground(s, new Grounder.Request(List.of("near-a"), new int[0], Set.of(),
        2, new ServingPipeline.Grounding(2, 1, "sasrec", 50)));
    assertThat(rows(pool)).containsExactly(0, 1);
    assertThat(rows(union)).containsExactly(0, 4);
  }

  @Test
  void withoutTexts_theSignalAloneRanks_excludedLeftOut() {
    GroundingSnapshot s = withSignal(fixed("sasrec", 3, 1, 4, 1, 5));
    List<GroundedCandidate> r = grounder.ground(s, new Grounder.Request(List.of(), new int[0], Set.of(4), 3,
        new ServingPipeline.Grounding(1, 0, "sasrec", 0)));
    assertThat(rows(r)).containsExactly(2, 0, 1);
    // scored 1 - W, W min-max over the catalogue (1..5)
    assertThat(r.get(0).score()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aPipelineNamingASignalTheReleaseLacks_isRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GroundingSnapshot(line.catalogue(), line.embeddings(),
        line.index(), line.encoder(), List.of(new PopularitySignal(line.catalogue())),
        ServingPipeline.sequential("sasrec"), List.of())).hasMessageContaining("lacks");
  }

  @Test
  void anExactTitlesOwnItemComesFirst_evenWhenTheApproximateIndexMissesIt() {
    // a test double of an approximate index that never returns row 2 (the real HNSW index is
    // measured against the exact one in HnswItemIndexTest)
    dev.recsys.ranking.index.ItemIndex missing = new dev.recsys.ranking.index.ItemIndex() {
      @Override
      public List<dev.recsys.ranking.index.Neighbour> nearest(float[] query, int n) {
        return line.index().nearest(query, n + 1).stream().filter(x -> x.row() != 2).limit(n).toList();
      }

      @Override
      public int size() {
        return line.index().size();
      }
    };
    GroundingSnapshot s = new GroundingSnapshot(line.catalogue(), line.embeddings(), missing, line.encoder(),
        List.of(new PopularitySignal(line.catalogue())), line.pipeline(), List.of());
    List<GroundedCandidate> r = grounder.ground(s, new Grounder.Request(List.of("C"), new int[0], Set.of(), 3,
        new ServingPipeline.Grounding(100, 0, "popularity", 0)));
    assertThat(rows(r).get(0)).isEqualTo(2);
    assertThat(r.get(0).score()).isZero();
  }

  @Test
  void exactCatalogueTitles_useTheirSnapshotRows_withoutTheEncoder() {
    // the lookup encoder knows no "C" or "E": only the snapshot rows can embed them
    List<GroundedCandidate> r = ground(List.of("C", "E"), 3, Set.of(), 0.0);
    // C and E themselves (D^ = 0), then D: 1 from E, whose candidates span 0..4 (D^ = 0.25)
    assertThat(rows(r)).containsExactly(2, 4, 3);
  }
}
