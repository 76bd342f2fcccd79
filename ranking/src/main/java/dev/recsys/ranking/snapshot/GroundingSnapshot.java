package dev.recsys.ranking.snapshot;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.index.ItemIndex;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.MixtureSignal;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything grounding needs from one release, built once and then read-only: the catalogue,
 * its embeddings (row i = item i), the ANN index over them, the encoder that made them (generated
 * texts must be embedded by the same one), its signals W by name (popularity; the transition
 * counts; the sequential model when the release has one), and the serving pipeline its
 * evaluation chose. Closing it frees what it owns: native memory of the sequential model and of an
 * encoder loaded for this release (a shared sentence encoder is not among them).
 */
public final class GroundingSnapshot implements AutoCloseable {
  private final Catalogue catalogue;
  private final EmbeddingMatrix embeddings;
  private final ItemIndex index;
  private final Encoder encoder;
  private final Map<String, ItemSignal> signals = new LinkedHashMap<>();
  private final ServingPipeline pipeline;
  private final List<AutoCloseable> owned;
  private final Map<String, int[]> rowsByTitle = new HashMap<>();

  /**
   * @param signals the release's signals, each under its {@link ItemSignal#name()}
   * @param owned   what closing the snapshot closes (in order)
   * @throws IllegalArgumentException when the pipeline re-weights by a signal the release lacks
   */
  public GroundingSnapshot(Catalogue catalogue, EmbeddingMatrix embeddings, ItemIndex index, Encoder encoder,
      Collection<? extends ItemSignal> signals, ServingPipeline pipeline, List<AutoCloseable> owned) {
    this.catalogue = catalogue;
    this.embeddings = embeddings;
    this.index = index;
    this.encoder = encoder;
    for (ItemSignal s : signals) {
      this.signals.put(s.name(), s);
    }
    this.pipeline = pipeline;
    this.owned = List.copyOf(owned);
    String w = pipeline.grounding().signal();
    if (MixtureSignal.isMixture(w)) {
      this.signals.put(w, MixtureSignal.resolve(w, this.signals::get)); // built once per release, not per request
    }
    if (!ServingPipeline.Grounding.NONE.equals(w) && !this.signals.containsKey(w)) {
      throw new IllegalArgumentException("pipeline " + pipeline.name() + " re-weights by '" + w
          + "', which this release lacks (it has " + this.signals.keySet() + ")");
    }
    Map<String, List<Integer>> byTitle = new HashMap<>();
    for (int r = 0; r < catalogue.size(); r++) {
      byTitle.computeIfAbsent(catalogue.get(r).title(), t -> new java.util.ArrayList<>()).add(r);
    }
    byTitle.forEach((t, rows) -> rowsByTitle.put(t, rows.stream().mapToInt(Integer::intValue).toArray()));
  }

  public Catalogue catalogue() {
    return catalogue;
  }

  public EmbeddingMatrix embeddings() {
    return embeddings;
  }

  public ItemIndex index() {
    return index;
  }

  public Encoder encoder() {
    return encoder;
  }

  public ServingPipeline pipeline() {
    return pipeline;
  }

  /**
   * The first row whose title is exactly {@code text}, or -1: such a text (every text of
   * constrained decoding) is embedded as that row already is, without running the encoder.
   */
  public int rowOfTitle(String text) {
    int[] rows = rowsByTitle.get(text);
    return rows == null ? -1 : rows[0];
  }

  /** Every row whose title is exactly {@code text} (several items may share a title); empty if none. */
  public int[] rowsOfTitle(String text) {
    int[] rows = rowsByTitle.get(text);
    return rows == null ? new int[0] : rows.clone();
  }

  /**
   * The signal W named by a pipeline ({@code popularity}, {@code transitions}, {@code sasrec}, the
   * co-occurrence weights and similarity when the pipeline reads them, or the serving pipeline's
   * mixture), or null for {@code none}.
   *
   * @throws IllegalArgumentException when the release has no such signal
   */
  public ItemSignal signal(String name) {
    if (ServingPipeline.Grounding.NONE.equals(name)) {
      return null;
    }
    ItemSignal s = signals.get(name);
    if (s == null) {
      throw new IllegalArgumentException("signal '" + name + "' is not available in this release; it has "
          + signals.keySet());
    }
    return s;
  }

  /** The names of the signals this release has. */
  public java.util.Set<String> signals() {
    return java.util.Collections.unmodifiableSet(signals.keySet());
  }

  /** This snapshot serving another pipeline (evaluation tries many); it owns nothing. */
  public GroundingSnapshot withPipeline(ServingPipeline other) {
    return new GroundingSnapshot(catalogue, embeddings, index, encoder, signals.values(), other, List.of());
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
