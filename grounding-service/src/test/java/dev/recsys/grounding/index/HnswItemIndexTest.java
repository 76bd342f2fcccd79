package dev.recsys.grounding.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.grounding.TestSnapshots;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HnswItemIndexTest {
  @Test
  void recallAt10AgainstExactSearch_isHighOnClusteredVectors() throws InterruptedException {
    EmbeddingMatrix m = TestSnapshots.clustered(5000, 32, 50, 1);
    HnswItemIndex hnsw = HnswItemIndex.build(m, new HnswItemIndex.Params(16, 200, 100, 2));
    ExactItemIndex exact = new ExactItemIndex(m);
    int hits = 0;
    int total = 0;
    for (float[] q : TestSnapshots.queriesNear(m, 200, 2)) {
      Set<Integer> truth = new HashSet<>(exact.nearest(q, 10).stream().map(Neighbour::row).toList());
      for (Neighbour n : hnsw.nearest(q, 10)) {
        hits += truth.contains(n.row()) ? 1 : 0;
      }
      total += 10;
    }
    assertThat((double) hits / total).isGreaterThan(0.95);
    assertThat(hnsw.size()).isEqualTo(5000);
  }

  @Test
  void returnsNearestFirst_withSquaredL2Distances() throws InterruptedException {
    EmbeddingMatrix m = EmbeddingMatrix.of("t", new float[][] {{0, 0}, {1, 0}, {3, 0}});
    HnswItemIndex hnsw = HnswItemIndex.build(m, HnswItemIndex.Params.defaults());
    List<Neighbour> r = hnsw.nearest(new float[] {0.9f, 0}, 3);
    assertThat(r).extracting(Neighbour::row).containsExactly(1, 0, 2);
    assertThat(r.get(0).distance()).isCloseTo(0.01f, org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void exactIndex_returnsAllRowsSorted() {
    EmbeddingMatrix m = EmbeddingMatrix.of("t", new float[][] {{5, 0}, {1, 0}, {3, 0}});
    assertThat(new ExactItemIndex(m).nearest(new float[] {0, 0}, 10)).extracting(Neighbour::row).containsExactly(1, 2, 0);
  }
}
