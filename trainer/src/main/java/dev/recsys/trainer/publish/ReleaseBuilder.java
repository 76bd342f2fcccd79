package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.ArtifactStore;
import dev.recsys.common.artifact.ReleaseDraft;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.common.encoder.Encoder;
import dev.recsys.common.index.HnswItemIndex;
import dev.recsys.common.interactions.Transition;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.llm.ModelFiles;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Builds one release from a dataset and its training samples, and publishes it.
 *
 * <ol>
 *   <li>Popularity W: each item's count as a training target, min-max scaled over the catalogue
 *       (BIGRec's popularity signal; validation and test never leak into it).</li>
 *   <li>Transitions: counts of (last history item to target) over the training samples.</li>
 *   <li>Embedding snapshot: every catalogue title encoded by the encoder, row i = item i.</li>
 *   <li>HNSW index over the snapshot (optional), so that services load it instead of rebuilding.</li>
 *   <li>With a trained LLM run: its base checkpoint and LoRA adapter, the catalogue embedded by the
 *       base model (BIGRec's grounding space) and the run's metrics.</li>
 *   <li>Write the files into a draft, seal it (manifest with checksums), then move the channel.</li>
 * </ol>
 */
public final class ReleaseBuilder {
  private static final int BATCH = 64;

  private final ArtifactStore store;
  private final Encoder encoder;

  public ReleaseBuilder(ArtifactStore store, Encoder encoder) {
    this.store = store;
    this.encoder = encoder;
  }

  /** What to publish and where. */
  public record Request(String tenant, String channel, Dataset dataset, String datasetHash, String protocol,
      List<Sample> train, double gamma, String producer, boolean buildIndex, LlmRun llm) {
    public Request(String tenant, String channel, Dataset dataset, String datasetHash, String protocol,
        List<Sample> train, double gamma, String producer, boolean buildIndex) {
      this(tenant, channel, dataset, datasetHash, protocol, train, gamma, producer, buildIndex, null);
    }
  }

  /**
   * A trained LLM run to ship in the release: its base checkpoint and adapter are copied under
   * {@code base/} and {@code adapter/}, the catalogue is embedded with the base model into
   * {@code llm-embeddings.bin}, and its evaluation becomes the release's metrics (and the gate's).
   *
   * @param embedder embeds a title with the run's base model (BIGRec's encoder)
   * @param encoderId identifies that encoder (the base weights' hash)
   * @param params    metrics and LLM serving parameters to record (gamma, validation NDCG@10)
   */
  public record LlmRun(Path dir, java.util.function.Function<String, float[]> embedder, String encoderId,
      Map<String, String> params) {}

  /**
   * @param progress called with the number of titles encoded so far
   * @return the sealed manifest (the channel has been moved to it)
   */
  public ReleaseManifest publish(Request r, IntConsumer progress) throws IOException {
    Catalogue catalogue = catalogue(r.dataset(), r.train());
    ReleaseDraft draft = store.draft(r.tenant());
    try {
      CatalogueFile.write(catalogue, draft.path(CatalogueFile.FILE_NAME));
      TransitionsFile.write(transitions(r.train()), draft.path(TransitionsFile.FILE_NAME));
      EmbeddingMatrix embeddings = embed(catalogue, progress);
      SnapshotFile.write(embeddings, draft.path(SnapshotFile.FILE_NAME));
      Map<String, String> params = new LinkedHashMap<>();
      params.put("gamma", Double.toString(r.gamma()));
      params.put("generator", "transition-baseline");
      if (r.llm() != null) {
        addLlm(r.llm(), catalogue, draft);
        params.putAll(r.llm().params());
        params.put("llm.encoder", r.llm().encoderId());
      }
      if (r.buildIndex()) {
        HnswItemIndex.Params p = HnswItemIndex.Params.defaults();
        HnswItemIndex.build(embeddings, p).save(draft.path(HnswItemIndex.FILE_NAME));
        params.put("index.m", Integer.toString(p.m()));
        params.put("index.efConstruction", Integer.toString(p.efConstruction()));
      }
      Map<String, String> dataset = new LinkedHashMap<>();
      dataset.put("name", r.dataset().name());
      dataset.put("sha256", r.datasetHash());
      dataset.put("protocol", r.protocol());
      dataset.put("trainSamples", Integer.toString(r.train().size()));
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


  private static void addLlm(LlmRun run, Catalogue catalogue, ReleaseDraft draft) throws IOException {
    for (String folder : List.of("base", "adapter")) {
      try (var files = java.nio.file.Files.list(run.dir().resolve(folder))) {
        for (Path f : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
          java.nio.file.Files.copy(f, draft.path(folder + "/" + f.getFileName()));
        }
      }
    }
    float[][] rows = new float[catalogue.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = run.embedder().apply(catalogue.get(i).title());
    }
    SnapshotFile.write(EmbeddingMatrix.of(run.encoderId(), rows), draft.path(ModelFiles.LLM_EMBEDDINGS));
  }

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

  public static List<Transition> transitions(List<Sample> train) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (Sample s : train) {
      if (s.history().isEmpty()) {
        continue;
      }
      String from = s.history().get(s.history().size() - 1);
      counts.computeIfAbsent(from, k -> new LinkedHashMap<>()).merge(s.target(), 1, Integer::sum);
    }
    List<Transition> out = new ArrayList<>();
    counts.forEach((from, tos) -> tos.forEach((to, c) -> out.add(new Transition(from, to, c))));
    return out;
  }

  EmbeddingMatrix embed(Catalogue catalogue, IntConsumer progress) {
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
