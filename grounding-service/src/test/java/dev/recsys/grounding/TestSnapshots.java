package dev.recsys.grounding;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.encoder.Encoder;
import dev.recsys.common.index.ExactItemIndex;
import dev.recsys.grounding.snapshot.GroundingSnapshot;
import java.util.List;
import java.util.Map;

/** Small hand-made data for grounding tests. */
public final class TestSnapshots {
  private TestSnapshots() {}

  /**
   * Test double of {@link Encoder} (the real MiniLM encoder is tested in recsys-common): maps
   * known texts to fixed 2-d vectors, so distances in tests are exact and obvious.
   */
  public static Encoder lookupEncoder(Map<String, float[]> vectors) {
    return new Encoder() {
      @Override
      public String id() {
        return "lookup";
      }

      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public float[][] encode(List<String> texts) {
        return texts.stream().map(t -> {
          float[] v = vectors.get(t);
          if (v == null) {
            throw new IllegalArgumentException("no vector for '" + t + "'");
          }
          return v;
        }).toArray(float[][]::new);
      }
    };
  }

  /** Items a..e on a line at x = 0, 1, 2, 3, 4; e is the most popular. */
  public static GroundingSnapshot line() {
    List<Item> items = List.of(new Item("a", "A", 0.0), new Item("b", "B", 0.1), new Item("c", "C", 0.2),
        new Item("d", "D", 0.3), new Item("e", "E", 1.0));
    float[][] rows = new float[items.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {i, 0};
    }
    EmbeddingMatrix m = EmbeddingMatrix.of("lookup", rows);
    return new GroundingSnapshot(new Catalogue(items), m, new ExactItemIndex(m), 0.0, lookupEncoder(Map.of()));
  }
}
