package dev.recsys.ranking.index;

import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.embedding.EmbeddingMatrix;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Approximate search with an HNSW graph (Malkov &amp; Yashunin) from hnswlib-java.
 *
 * <p>Glossary: {@code M} = links per node per layer (memory vs recall); {@code efConstruction} =
 * candidate list size while inserting (build time vs graph quality); {@code ef} = candidate list
 * size while searching (latency vs recall; raised to {@code n} when a search asks for more).
 */
public final class HnswItemIndex implements ItemIndex {

  /** Build parameters. Defaults give recall@10 of ~1.0 on sentence-encoder embeddings. */
  public record Params(int m, int efConstruction, int ef, int threads) {
    public static Params defaults() {
      return new Params(16, 200, 100, Runtime.getRuntime().availableProcessors());
    }
  }

  /** A catalogue row and its vector, as hnswlib stores it. */
  record Row(Integer id, float[] vector) implements Item<Integer, float[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public int dimensions() {
      return vector.length;
    }
  }

  private final HnswIndex<Integer, float[], Row, Float> index;

  private HnswItemIndex(HnswIndex<Integer, float[], Row, Float> index) {
    this.index = index;
  }

  /** Builds the graph over every row of the matrix (multi-threaded). */
  public static HnswItemIndex build(EmbeddingMatrix matrix, Params params) throws InterruptedException {
    HnswIndex<Integer, float[], Row, Float> index = HnswIndex
        .newBuilder(matrix.dimension(), new SquaredL2(), Math.max(1, matrix.rows()))
        .withM(params.m())
        .withEfConstruction(params.efConstruction())
        .withEf(params.ef())
        .build();
    List<Row> rows = new ArrayList<>(matrix.rows());
    for (int r = 0; r < matrix.rows(); r++) {
      rows.add(new Row(r, matrix.row(r)));
    }
    index.addAll(rows, Math.max(1, params.threads()), (done, max) -> { }, Integer.MAX_VALUE);
    return new HnswItemIndex(index);
  }

  /** Writes the graph (hnswlib's own format) so that a service can load it instead of rebuilding. */
  public void save(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      index.save(out);
    }
  }

  /**
   * Loads a graph saved by {@link #save} and checks that it indexes exactly {@code matrix}: same
   * dimension, same size, and the same vectors at a sample of rows (every 997th, plus the last).
   *
   * @throws ArtifactException naming the file when it cannot be read or does not match
   */
  public static HnswItemIndex load(Path file, EmbeddingMatrix matrix, int ef) {
    HnswIndex<Integer, float[], Row, Float> index;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      index = HnswIndex.load(in, new AllowlistClassLoader(HnswItemIndex.class.getClassLoader()));
    } catch (IOException | RuntimeException e) {
      throw new ArtifactException(file, "cannot load the HNSW index: " + e.getMessage());
    }
    if (index.getDimensions() != matrix.dimension() || index.size() != matrix.rows()) {
      throw new ArtifactException(file, "index of " + index.size() + " x " + index.getDimensions()
          + " does not match the snapshot's " + matrix.rows() + " x " + matrix.dimension());
    }
    int last = matrix.rows() - 1;
    int[] sample = IntStream.concat(IntStream.iterate(0, r -> r <= last, r -> r + 997), IntStream.of(last)).toArray();
    for (int r : sample) {
      Optional<Row> row = index.get(r);
      if (row.isEmpty() || !Arrays.equals(row.get().vector(), matrix.row(r))) {
        throw new ArtifactException(file, "row " + r + " of the index differs from the snapshot's; the index was "
            + "built from other embeddings");
      }
    }
    index.setEf(ef);
    return new HnswItemIndex(index);
  }

  @Override
  public List<Neighbour> nearest(float[] query, int n) {
    // hnswlib searches with max(ef, n) candidates, so a large n widens the search by itself.
    List<SearchResult<Row, Float>> hits = index.findNearest(query, n);
    List<Neighbour> out = new ArrayList<>(hits.size());
    for (SearchResult<Row, Float> h : hits) {
      out.add(new Neighbour(h.item().id(), h.distance()));
    }
    return out;
  }

  @Override
  public int size() {
    return index.size();
  }
}
