package dev.recsys.ranking.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.common.embedding.EmbeddingMatrix;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HnswItemIndexTest {
  @Test
  void recallAt10AgainstExactSearch_isHighOnClusteredVectors() throws InterruptedException {
    EmbeddingMatrix m = TestVectors.clustered(5000, 32, 50, 1);
    HnswItemIndex hnsw = HnswItemIndex.build(m, new HnswItemIndex.Params(16, 200, 100, 2));
    ExactItemIndex exact = new ExactItemIndex(m);
    int hits = 0;
    int total = 0;
    for (float[] q : TestVectors.queriesNear(m, 200, 2)) {
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

  @Test
  void saveThenLoad_givesTheSameAnswers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    EmbeddingMatrix m = TestVectors.clustered(2000, 16, 20, 3);
    HnswItemIndex built = HnswItemIndex.build(m, new HnswItemIndex.Params(16, 100, 50, 2));
    java.nio.file.Path file = dir.resolve("index.hnsw");
    built.save(file);
    HnswItemIndex loaded = HnswItemIndex.load(file, m, 50);
    assertThat(loaded.size()).isEqualTo(2000);
    for (float[] q : TestVectors.queriesNear(m, 50, 4)) {
      assertThat(loaded.nearest(q, 10)).isEqualTo(built.nearest(q, 10));
    }
  }

  @Test
  void load_refusesAnIndexOfOtherEmbeddings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    EmbeddingMatrix m = TestVectors.clustered(1000, 8, 10, 5);
    java.nio.file.Path file = dir.resolve("index.hnsw");
    HnswItemIndex.build(m, HnswItemIndex.Params.defaults()).save(file);
    EmbeddingMatrix other = TestVectors.clustered(1000, 8, 10, 6);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HnswItemIndex.load(file, other, 50))
        .isInstanceOf(dev.recsys.common.artifact.ArtifactException.class)
        .hasMessageContaining("row 0 of the index differs");
    EmbeddingMatrix smaller = TestVectors.clustered(999, 8, 10, 5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HnswItemIndex.load(file, smaller, 50))
        .hasMessageContaining("does not match the snapshot's 999 x 8");
  }

  @Test
  void load_refusesAFileThatIsNotAnIndex(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("index.hnsw");
    try (var out = new java.io.ObjectOutputStream(java.nio.file.Files.newOutputStream(file))) {
      out.writeObject(new java.net.URI("http://example.invalid/"));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HnswItemIndex.load(file, TestVectors.clustered(10, 2, 2, 1), 5))
        .hasMessageContaining("cannot load the HNSW index");
  }

  @Test
  void deserialisationResolvesOnlyAllowlistedClasses() throws Exception {
    AllowlistClassLoader loader = new AllowlistClassLoader(getClass().getClassLoader());
    assertThat(loader.loadClass("java.util.ArrayList")).isEqualTo(java.util.ArrayList.class);
    assertThat(loader.loadClass("com.github.jelmerk.hnswlib.core.hnsw.HnswIndex")).isNotNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadClass("java.net.URI"))
        .isInstanceOf(ClassNotFoundException.class).hasMessageContaining("not allowed");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadClass("javax.management.BadAttributeValueExpException"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
