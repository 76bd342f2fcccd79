package dev.recsys.grounding.ranking;

import dev.recsys.common.encoder.Encoder;
import dev.recsys.common.index.Neighbour;
import dev.recsys.common.index.SquaredL2;
import dev.recsys.common.tracing.Spans;
import dev.recsys.grounding.snapshot.GroundingSnapshot;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps generated texts to catalogue items, in two phases per text: ANN candidates from the
 * index, then an exact re-scoring with BIGRec's formula ({@link BigRecScore}).
 *
 * <ol>
 *   <li>Encode every text with the snapshot's encoder.</li>
 *   <li>For text j, take the nearest {@code pool + |excluded|} rows from the index, drop excluded
 *       items, keep the nearest {@code pool} (at least k).</li>
 *   <li>D = exact L2 distance; D^ = min-max over those candidates (so gamma is tuned and served
 *       under the same candidate-pool size, as the method notes require).</li>
 *   <li>D~ = D^ * (1 + W)^(-gamma) with W the item's popularity.</li>
 *   <li>Merge texts: an item keeps its best (D~, j); rank by D~, then by text rank j (texts come
 *       most likely first), then by row. Each text's nearest item has D~ = 0, so the top places go
 *       to the best match of each text in generation order, then the rest by score.</li>
 *   <li>Return the first k.</li>
 * </ol>
 */
public final class Grounder {
  private final Encoder encoder;
  private final int pool;
  private final Tracer tracer;

  /**
   * @param encoder the encoder the snapshot was made with
   * @param pool    candidates per text that D^ is normalised over (BIGRec: the whole catalogue;
   *                here a fixed ANN top-N)
   */
  public Grounder(Encoder encoder, int pool) {
    this(encoder, pool, OpenTelemetry.noop().getTracer("recsys-grounding"));
  }

  /** @param tracer spans for the three phases: {@code encode}, {@code ann-search}, {@code rerank} */
  public Grounder(Encoder encoder, int pool, Tracer tracer) {
    if (pool < 1) {
      throw new IllegalArgumentException("candidate pool must be >= 1, got " + pool);
    }
    this.encoder = encoder;
    this.pool = pool;
    this.tracer = tracer;
  }

  public List<GroundedCandidate> ground(GroundingSnapshot snapshot, List<String> texts, int k, Set<Integer> excludedRows,
      double gamma) {
    Span encode = tracer.spanBuilder("encode").setAttribute("recsys.encoder", encoder.id())
        .setAttribute("recsys.texts", texts.size()).startSpan();
    float[][] queries = Spans.in(encode, () -> encoder.encode(texts));
    int keep = Math.max(pool, k);
    int ask = Math.min(snapshot.index().size(), keep + excludedRows.size());
    Span search = tracer.spanBuilder("ann-search").setAttribute("recsys.index.items", snapshot.index().size())
        .setAttribute("recsys.neighbours", ask).startSpan();
    List<List<Neighbour>> allHits = Spans.in(search, () -> {
      List<List<Neighbour>> hits = new ArrayList<>(queries.length);
      for (float[] q : queries) {
        hits.add(snapshot.index().nearest(q, ask));
      }
      return hits;
    });
    Span rerank = tracer.spanBuilder("rerank").setAttribute("recsys.gamma", gamma).setAttribute("recsys.k", k)
        .startSpan();
    return Spans.in(rerank, () -> rerank(snapshot, queries, allHits, keep, k, excludedRows, gamma));
  }

  private List<GroundedCandidate> rerank(GroundingSnapshot snapshot, float[][] queries, List<List<Neighbour>> allHits,
      int keep, int k, Set<Integer> excludedRows, double gamma) {
    Map<Integer, GroundedCandidate> best = new HashMap<>();
    for (int j = 0; j < queries.length; j++) {
      List<Neighbour> hits = allHits.get(j);
      List<Neighbour> eligible = new ArrayList<>(keep);
      for (Neighbour n : hits) {
        if (!excludedRows.contains(n.row())) {
          eligible.add(n);
          if (eligible.size() == keep) {
            break;
          }
        }
      }
      double[] d = new double[eligible.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = Math.sqrt(SquaredL2.of(queries[j], snapshot.embeddings().row(eligible.get(i).row())));
      }
      BigRecScore.normalise(d);
      for (int i = 0; i < d.length; i++) {
        int row = eligible.get(i).row();
        double score = BigRecScore.adjust(d[i], snapshot.catalogue().get(row).popularity(), gamma);
        GroundedCandidate c = new GroundedCandidate(row, score, j);
        best.merge(row, c, (a, b) -> ORDER.compare(a, b) <= 0 ? a : b);
      }
    }
    List<GroundedCandidate> ranked = new ArrayList<>(best.values());
    ranked.sort(ORDER);
    return ranked.size() > k ? List.copyOf(ranked.subList(0, k)) : ranked;
  }

  private static final Comparator<GroundedCandidate> ORDER = Comparator
      .comparingDouble(GroundedCandidate::score)
      .thenComparingInt(GroundedCandidate::sourceText)
      .thenComparingInt(GroundedCandidate::row);
}
