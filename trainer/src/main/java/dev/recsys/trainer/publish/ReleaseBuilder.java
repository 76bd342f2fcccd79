package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ArtifactStore;
import dev.recsys.common.artifact.ReleaseDraft;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.artifact.ReleaseParams;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.common.interactions.Transition;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.common.interactions.Cooccurrence;
import dev.recsys.common.interactions.CooccurrenceFile;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.TrainingEvents;
import dev.recsys.trainer.data.DatasetException;
import dev.recsys.ranking.snapshot.TitlePriorsFile;
import dev.recsys.trainer.eval.RunServing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Builds one release from a dataset and its training samples, and publishes it.
 *
 * <ol>
 *   <li>Popularity W: each item's count as a training target, min-max scaled over the catalogue
 *       (BIGRec's popularity signal; validation and test never leak into it).</li>
 *   <li>Transitions: counts of (last history item to target) over the training events; and the
 *       co-occurrence weights of items near each other in them ({@link #cooccurrences}).</li>
 *   <li>Embedding snapshot: every catalogue title encoded by the encoder, row i = item i.</li>
 *   <li>HNSW index over the snapshot (optional), so that services load it instead of rebuilding.</li>
 *   <li>With a trained LLM run: its base checkpoint and LoRA adapter, the catalogue embedded by the
 *       base model (BIGRec's grounding space) with its index, the sequential model, and the serving
 *       pipeline and metrics its evaluation chose.</li>
 *   <li>Write the files into a draft, seal it (manifest with checksums), then move the channel.</li>
 * </ol>
 */
public final class ReleaseBuilder {
  private static final int BATCH = 64;
  /** The sentence encoder releases embed their catalogue with ({@code embeddings.bin}). */
  public static final String SENTENCE_ENCODER = dev.recsys.ranking.encoder.MiniLmEncoder.ID;

  private final ArtifactStore store;
  private final Encoder encoder;

  public ReleaseBuilder(ArtifactStore store, Encoder encoder) {
    this.store = store;
    this.encoder = encoder;
  }

  /**
   * What to publish and where; built by name ({@link #to}).
   *
   * @param tenant      the tenant the release belongs to
   * @param channel     the channel moved to it
   * @param dataset     the dataset it is built from
   * @param datasetHash the dataset's content hash (recorded in the manifest)
   * @param protocol    the split whose training part it is built from
   * @param train       that split's training samples
   * @param gamma       the popularity weight served by a release without a run's serving pipeline
   * @param producer    what made it, recorded in the manifest
   * @param buildIndex  ship an HNSW index (else each grounding replica builds one when it loads)
   * @param llm         a trained and evaluated run to ship, or null
   */
  public record Request(String tenant, String channel, Dataset dataset, String datasetHash, String protocol,
      List<Sample> train, double gamma, String producer, boolean buildIndex, LlmRun llm) {
    public Request {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(train, "train");
    }

    /** A request for {@code tenant}'s {@code stable} channel, γ = 0, with an index and no run. */
    public static Request to(String tenant, Dataset dataset, List<Sample> train) {
      return new Request(tenant, "stable", dataset, "", "bigrec", train, 0, "recsys-trainer", true, null);
    }

    public Request channel(String c) {
      return new Request(tenant, c, dataset, datasetHash, protocol, train, gamma, producer, buildIndex, llm);
    }

    /** The dataset's content hash and the split protocol, as the manifest records them. */
    public Request provenance(String hash, String splitProtocol) {
      return new Request(tenant, channel, dataset, hash, splitProtocol, train, gamma, producer, buildIndex, llm);
    }

    public Request gamma(double g) {
      return new Request(tenant, channel, dataset, datasetHash, protocol, train, g, producer, buildIndex, llm);
    }

    public Request producer(String p) {
      return new Request(tenant, channel, dataset, datasetHash, protocol, train, gamma, p, buildIndex, llm);
    }

    public Request index(boolean build) {
      return new Request(tenant, channel, dataset, datasetHash, protocol, train, gamma, producer, build, llm);
    }

    public Request run(LlmRun run) {
      return new Request(tenant, channel, dataset, datasetHash, protocol, train, gamma, producer, buildIndex, run);
    }
  }

  /**
   * A trained and evaluated run to ship in the release, exactly as evaluated: its base checkpoint
   * and adapter under {@code base/} and {@code adapter/}, the catalogue embedded by the base model
   * and its HNSW index ({@code <run>/serving/}: {@code llm-embeddings.bin}, {@code llm-index.hnsw}),
   * the sequential model when the run has one, the serving pipeline and what evaluation measured.
   *
   * @param encoderId identifies the base model's encoder (the base weights' hash)
   * @param pipeline  the serving pipeline the release records
   * @param metrics   what evaluation measured of it
   */
  public record LlmRun(Path dir, String encoderId, ServingPipeline pipeline, ReleaseParams.Metrics metrics) {}

  /**
   * @param progress called with the number of titles encoded so far
   * @return the sealed manifest (the channel has been moved to it)
   */
  public ReleaseManifest publish(Request r, IntConsumer progress) throws IOException {
    Catalogue catalogue = catalogue(r.dataset(), r.train());
    ReleaseDraft draft = store.draft(r.tenant());
    try {
      CatalogueFile.write(catalogue, draft.path(ReleaseLayout.CATALOGUE));
      TransitionsFile.write(transitions(r.train()), draft.path(ReleaseLayout.TRANSITIONS));
      CooccurrenceFile.write(cooccurrences(r.train()), draft.path(ReleaseLayout.COOCCURRENCE));
      EmbeddingMatrix embeddings = r.llm() == null ? null : evaluated(r.llm(), catalogue);
      if (embeddings == null) {
        embeddings = embed(encoder, catalogue, progress);
      } else {
        progress.accept(catalogue.size()); // the evaluated embeddings, as they were
      }
      SnapshotFile.write(embeddings, draft.path(ReleaseLayout.EMBEDDINGS));
      ReleaseParams typed = ReleaseParams.of(r.gamma());
      Map<String, String> params = new LinkedHashMap<>();
      if (r.llm() != null) {
        addLlm(r.llm(), catalogue, draft);
        params.putAll(r.llm().pipeline().toParams());
        typed = typed.withLlmEncoder(r.llm().encoderId()).withMetrics(r.llm().metrics());
      }
      if (r.buildIndex()) {
        HnswItemIndex.Params p = HnswItemIndex.Params.defaults();
        HnswItemIndex.build(embeddings, p).save(draft.path(ReleaseLayout.INDEX));
        typed = typed.withIndex(new ReleaseParams.Index(p.m(), p.efConstruction()));
      }
      params.putAll(typed.toMap());
      Map<String, String> dataset = new LinkedHashMap<>();
      dataset.put("name", r.dataset().name());
      dataset.put("sha256", r.datasetHash());
      dataset.put("protocol", r.protocol());
      dataset.put("trainSamples", Integer.toString(r.train().size()));
      dataset.putAll(r.dataset().prompts().metadata());
      ReleaseManifest manifest = draft.commit(new ReleaseManifest(0, null, null, null, r.producer(), encoder.id(),
          encoder.dimension(), catalogue.size(), dataset, params, null));
      store.promote(r.tenant(), r.channel(), manifest.release());
      return manifest;
    } catch (InterruptedException e) {
      draft.abandon();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building the index", e);
    } catch (IOException | RuntimeException e) {
      draft.abandon();
      throw e;
    }
  }


  /**
   * The sentence-encoder snapshot the run's evaluation computed content similarity from
   * ({@code <run>/serving/embeddings.bin}), when it is this builder's encoder's and this
   * catalogue's: the release ships what was evaluated. Null otherwise.
   */
  private EmbeddingMatrix evaluated(LlmRun run, Catalogue catalogue) {
    Path f = run.dir().resolve(RunServing.DIR).resolve(ReleaseLayout.EMBEDDINGS);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    EmbeddingMatrix m = SnapshotFile.read(f);
    return m.encoderId().equals(encoder.id()) && m.rows() == catalogue.size() ? m : null;
  }

  private static void addLlm(LlmRun run, Catalogue catalogue, ReleaseDraft draft) throws IOException {
    for (String folder : List.of(ReleaseLayout.BASE, ReleaseLayout.ADAPTER)) {
      try (var files = Files.list(run.dir().resolve(folder))) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          Files.copy(f, draft.path(folder + "/" + f.getFileName()));
        }
      }
    }
    Path serving = run.dir().resolve(RunServing.DIR);
    for (String file : List.of(ReleaseLayout.LLM_EMBEDDINGS, ReleaseLayout.LLM_INDEX)) {
      Path f = serving.resolve(file);
      if (!Files.isRegularFile(f)) {
        throw new DatasetException(f, "missing; evaluate the run first with 'recsys-trainer eval' (it writes the "
            + "serving files the release ships)");
      }
      Files.copy(f, draft.path(file));
    }
    EmbeddingMatrix m = SnapshotFile.read(draft.path(ReleaseLayout.LLM_EMBEDDINGS));
    if (m.rows() != catalogue.size() || !m.encoderId().equals(run.encoderId())) {
      throw new DatasetException(serving.resolve(ReleaseLayout.LLM_EMBEDDINGS), "embeds " + m.rows() + " items with "
          + m.encoderId() + " but the catalogue has " + catalogue.size() + " and the base model is " + run.encoderId()
          + "; evaluate the run again");
    }
    Path sasrec = run.dir().resolve(ReleaseLayout.SASREC);
    if (Files.isRegularFile(sasrec)) {
      Files.copy(sasrec, draft.path(ReleaseLayout.SASREC));
    }
    if (run.pipeline().needsTitlePriors()) {
      addTitlePriors(run, catalogue, draft, serving);
    }
  }

  /**
   * The titles' priors evaluation ranked with ({@code <run>/serving/llm-title-prior.tsv}), checked to
   * be this catalogue's and this run's base and adapter's before they ship.
   */
  private static void addTitlePriors(LlmRun run, Catalogue catalogue, ReleaseDraft draft, Path serving)
      throws IOException {
    Path f = serving.resolve(ReleaseLayout.LLM_TITLE_PRIOR);
    String made = RunServing.priorsSource(serving).orElseThrow(() -> new DatasetException(f, "missing, but the "
        + "serving pipeline " + run.pipeline().name() + " ranks with the titles' priors; evaluate the run first "
        + "with 'recsys-trainer eval' (it writes them)"));
    String now = RunServing.generatorId(run.dir().resolve(ReleaseLayout.BASE), run.dir().resolve(ReleaseLayout.ADAPTER));
    if (!made.equals(now)) {
      throw new DatasetException(f, "computed with " + made + " but the run's model is " + now
          + "; evaluate the run again");
    }
    try {
      TitlePriorsFile.read(f, catalogue);
    } catch (dev.recsys.common.artifact.ArtifactException e) {
      throw new DatasetException(f, e.getMessage());
    }
    Files.copy(f, draft.path(ReleaseLayout.LLM_TITLE_PRIOR));
  }

  /**
   * The catalogue with each item's popularity: how often it was a training sample's target,
   * min-max scaled (the targets only, not {@link TrainingEvents}' earlier events: popularity is
   * what the split asks for next).
   */
  public static Catalogue catalogue(Dataset d, List<Sample> train) {
    Map<String, Integer> counts = new HashMap<>();
    for (Sample s : train) {
      counts.merge(s.target(), 1, Integer::sum);
    }
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (String id : d.titles().keySet()) {
      int c = counts.getOrDefault(id, 0);
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    List<Item> items = new ArrayList<>(d.titles().size());
    for (Map.Entry<String, String> e : d.titles().entrySet()) {
      int c = counts.getOrDefault(e.getKey(), 0);
      double w = max > min ? (double) (c - min) / (max - min) : 0.0;
      items.add(new Item(e.getKey(), e.getValue(), w));
    }
    return new Catalogue(items);
  }

  /** How often each item followed each other in the training split's events ({@link TrainingEvents}). */
  public static List<Transition> transitions(List<Sample> train) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (TrainingEvents.Event e : TrainingEvents.withHistory(train)) {
      String from = e.history().get(e.history().size() - 1);
      counts.computeIfAbsent(from, k -> new LinkedHashMap<>()).merge(e.item(), 1, Integer::sum);
    }
    List<Transition> out = new ArrayList<>();
    counts.forEach((from, tos) -> tos.forEach((to, c) -> out.add(new Transition(from, to, c))));
    return out;
  }

  /** Events apart within which two items of a user's training events co-occur ({@link #cooccurrences}). */
  public static final int COOCCURRENCE_WINDOW = 3;
  /** The weight of a co-occurrence read backwards (the later item leading to the earlier one). */
  public static final double COOCCURRENCE_REVERSE = 0.5;

  /**
   * The co-occurrence weights of the training split's events ({@link TrainingEvents}): for each
   * event x and each of the {@link #COOCCURRENCE_WINDOW} items before it, at distance d, the pair
   * (earlier -> x) gains 1/d and the pair (x -> earlier) {@link #COOCCURRENCE_REVERSE}/d; an item
   * never pairs with itself. Where the transition counts see only the next item, these see the
   * items bought (or watched) near each other in either order: an item-to-item neighbourhood.
   */
  public static List<Cooccurrence> cooccurrences(List<Sample> train) {
    Map<String, Map<String, Double>> w = new LinkedHashMap<>();
    for (TrainingEvents.Event e : TrainingEvents.withHistory(train)) {
      List<String> h = e.history();
      for (int d = 1; d <= COOCCURRENCE_WINDOW && d <= h.size(); d++) {
        String earlier = h.get(h.size() - d);
        if (!earlier.equals(e.item())) {
          w.computeIfAbsent(earlier, k -> new LinkedHashMap<>()).merge(e.item(), 1.0 / d, Double::sum);
          w.computeIfAbsent(e.item(), k -> new LinkedHashMap<>()).merge(earlier, COOCCURRENCE_REVERSE / d,
              Double::sum);
        }
      }
    }
    List<Cooccurrence> out = new ArrayList<>();
    w.forEach((from, tos) -> tos.forEach((to, v) -> out.add(new Cooccurrence(from, to, v))));
    return out;
  }

  /** The catalogue embedded by a sentence encoder, row i = item i, in batches ({@code progress}: titles done). */
  public static EmbeddingMatrix embed(Encoder encoder, Catalogue catalogue, IntConsumer progress) {
    float[][] rows = new float[catalogue.size()][];
    for (int start = 0; start < catalogue.size(); start += BATCH) {
      int end = Math.min(catalogue.size(), start + BATCH);
      List<String> titles = catalogue.items().subList(start, end).stream().map(Item::title).toList();
      float[][] v = encoder.encode(titles);
      System.arraycopy(v, 0, rows, start, v.length);
      progress.accept(end);
    }
    return EmbeddingMatrix.of(encoder.id(), rows);
  }
}
