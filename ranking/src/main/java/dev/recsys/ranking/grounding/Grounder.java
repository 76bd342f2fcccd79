package dev.recsys.ranking.grounding;

import dev.recsys.common.tracing.Spans;
import dev.recsys.ranking.index.Neighbour;
import dev.recsys.ranking.index.SquaredL2;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.SignalRanking;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BIGRec's grounding step: maps generated texts to catalogue items. The grounding service serves
 * with it and the trainer's evaluation measures with it, so both rank the same way.
 *
 * <ol>
 *   <li>Encode every text with the snapshot's encoder; a text that is exactly a catalogue title
 *       (every text of constrained decoding) takes that item's snapshot row instead.</li>
 *   <li>W for this request: the pipeline's signal (popularity, the sequential model's or the
 *       transition counts' scores after the history) min-max scaled over the catalogue.</li>
 *   <li>Candidates of text j: the items whose title it is exactly (its own item is its nearest,
 *       even where the approximate index would miss it), its nearest {@code pool} items outside
 *       the excluded ones (from the ANN index, which is asked for {@code pool + |excluded|}), plus
 *       the signal's top {@code signalCandidates} items when the pipeline adds them (the union
 *       pipeline).</li>
 *   <li>D = exact L2 distance; D^ = min-max over text j's candidates (so gamma is tuned and served
 *       under the same candidate set); D~ = D^ * (1 + W)^(-gamma).</li>
 *   <li>Merge texts: an item keeps its best (D~, j); rank by D~, then by text rank j (texts come
 *       most likely first), then by row. Each text's nearest item has D~ = 0, so the top places go
 *       to the best match of each text in generation order, then the rest by score.</li>
 *   <li>Return the first k. With no texts (the sequential pipeline) the ranking is W alone, each
 *       item scored 1 - W.</li>
 * </ol>
 */
public final class Grounder {
  /**
   * One request.
   *
   * @param texts        generated texts, most likely first
   * @param historyRows  the user's history as catalogue rows, oldest first (the sequential model reads it)
   * @param excludedRows rows never returned (the history, unless the caller wants it)
   * @param k            items wanted
   * @param params       the pipeline's grounding parameters
   */
  public record Request(List<String> texts, int[] historyRows, Set<Integer> excludedRows, int k,
      ServingPipeline.Grounding params) {
    public Request {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
    }
  }

  private final Tracer tracer;

  public Grounder() {
    this(OpenTelemetry.noop().getTracer("recsys-grounding"));
  }

  /** @param tracer spans for the phases: {@code encode}, {@code ann-search}, {@code rerank} */
  public Grounder(Tracer tracer) {
    this.tracer = tracer;
  }

  public List<GroundedCandidate> ground(GroundingSnapshot snapshot, Request r) {
    Span encode = tracer.spanBuilder("encode").setAttribute("recsys.encoder", snapshot.encoder().id())
        .setAttribute("recsys.texts", r.texts().size()).startSpan();
    float[][] queries = Spans.in(encode, () -> encode(snapshot, r.texts()));
    return rank(snapshot, queries, r);
  }

  /** Step 1: one query vector per text. */
  public float[][] encode(GroundingSnapshot snapshot, List<String> texts) {
    float[][] out = new float[texts.size()][];
    List<String> unknown = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      int row = snapshot.rowOfTitle(texts.get(i));
      if (row >= 0) {
        out[i] = snapshot.embeddings().row(row);
      } else {
        unknown.add(texts.get(i));
        at.add(i);
      }
    }
    if (!unknown.isEmpty()) {
      float[][] encoded = snapshot.encoder().encode(unknown);
      for (int i = 0; i < encoded.length; i++) {
        out[at.get(i)] = encoded[i];
      }
    }
    return out;
  }

  /** Steps 2-6 for texts already encoded ({@code queries[j]} is text j's vector). */
  public List<GroundedCandidate> rank(GroundingSnapshot snapshot, float[][] queries, Request r) {
    ServingPipeline.Grounding p = r.params();
    ItemSignal signal = snapshot.signal(p.signal());
    float[] raw = signal == null ? null : signal.scores(r.historyRows());
    double[] w = raw == null ? new double[snapshot.catalogue().size()] : ItemSignal.minMax(raw);
    if (queries.length == 0) {
      List<GroundedCandidate> out = new ArrayList<>(r.k());
      for (int row : SignalRanking.top(raw == null ? new float[w.length] : raw, r.excludedRows(), r.k())) {
        out.add(new GroundedCandidate(row, 1.0 - w[row], -1));
      }
      return out;
    }
    List<Integer> fromSignal = p.signalCandidates() == 0 || raw == null ? List.of()
        : SignalRanking.top(raw, r.excludedRows(), p.signalCandidates());
    int keep = Math.max(p.pool(), r.k());
    int ask = Math.min(snapshot.index().size(), keep + r.excludedRows().size());
    Span search = tracer.spanBuilder("ann-search").setAttribute("recsys.index.items", snapshot.index().size())
        .setAttribute("recsys.neighbours", ask).startSpan();
    List<List<Neighbour>> hits = Spans.in(search, () -> {
      List<List<Neighbour>> all = new ArrayList<>(queries.length);
      for (float[] q : queries) {
        all.add(snapshot.index().nearest(q, ask));
      }
      return all;
    });
    Span rerank = tracer.spanBuilder("rerank").setAttribute("recsys.gamma", p.gamma()).setAttribute("recsys.k", r.k())
        .setAttribute("recsys.signal", p.signal()).startSpan();
    return Spans.in(rerank, () -> rerank(snapshot, queries, hits, fromSignal, keep, w, r));
  }

  private static List<GroundedCandidate> rerank(GroundingSnapshot snapshot, float[][] queries,
      List<List<Neighbour>> allHits, List<Integer> fromSignal, int keep, double[] w, Request r) {
    double gamma = r.params().gamma();
    Map<Integer, GroundedCandidate> best = new HashMap<>();
    for (int j = 0; j < queries.length; j++) {
      LinkedHashSet<Integer> candidates = new LinkedHashSet<>();
      if (j < r.texts().size()) {
        for (int own : snapshot.rowsOfTitle(r.texts().get(j))) {
          if (!r.excludedRows().contains(own)) {
            candidates.add(own);
          }
        }
      }
      for (Neighbour n : allHits.get(j)) {
        if (!r.excludedRows().contains(n.row())) {
          candidates.add(n.row());
          if (candidates.size() == keep) {
            break;
          }
        }
      }
      candidates.addAll(fromSignal);
      int[] rows = candidates.stream().mapToInt(Integer::intValue).toArray();
      double[] d = new double[rows.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = Math.sqrt(SquaredL2.of(queries[j], snapshot.embeddings().row(rows[i])));
      }
      BigRecScore.normalise(d);
      for (int i = 0; i < d.length; i++) {
        GroundedCandidate c = new GroundedCandidate(rows[i], BigRecScore.adjust(d[i], w[rows[i]], gamma), j);
        best.merge(rows[i], c, (a, b) -> ORDER.compare(a, b) <= 0 ? a : b);
      }
    }
    List<GroundedCandidate> ranked = new ArrayList<>(best.values());
    ranked.sort(ORDER);
    return ranked.size() > r.k() ? List.copyOf(ranked.subList(0, r.k())) : ranked;
  }

  private static final Comparator<GroundedCandidate> ORDER = Comparator
      .comparingDouble(GroundedCandidate::score)
      .thenComparingInt(GroundedCandidate::sourceText)
      .thenComparingInt(GroundedCandidate::row);
}
