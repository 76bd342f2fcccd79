package dev.recsys.ranking.snapshot;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.index.ExactItemIndex;
import dev.recsys.ranking.pipeline.ServingPipeline;
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
    return line(lookupEncoder(Map.of()));
  }

  /** {@link #line()} whose texts are embedded by {@code encoder}; BIGRec with popularity, gamma 0, pool 100. */
  public static GroundingSnapshot line(Encoder encoder) {
    List<Item> items = List.of(new Item("a", "A", 0.0), new Item("b", "B", 0.1), new Item("c", "C", 0.2),
        new Item("d", "D", 0.3), new Item("e", "E", 1.0));
    float[][] rows = new float[items.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {i, 0};
    }
    EmbeddingMatrix m = EmbeddingMatrix.of("lookup", rows);
    Catalogue catalogue = new Catalogue(items);
    return new GroundingSnapshot(catalogue, m, new ExactItemIndex(m), encoder,
        List.of(new dev.recsys.ranking.signal.PopularitySignal(catalogue)), bigrecPopularity(0.0), List.of());
  }

  /** BIGRec's pipeline re-weighted by popularity: 4 texts, pool 100. */
  public static ServingPipeline bigrecPopularity(double gamma) {
    return new ServingPipeline(ServingPipeline.Kind.BIGREC, new ServingPipeline.Generation(4, 4, true, true, 0),
        new ServingPipeline.Grounding(100, 0, "popularity", gamma));
  }
}
