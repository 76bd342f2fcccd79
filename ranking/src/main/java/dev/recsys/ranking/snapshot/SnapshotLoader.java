package dev.recsys.ranking.snapshot;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.common.interactions.CooccurrenceFile;
import dev.recsys.common.interactions.TransitionsFile;
import dev.recsys.llm.ModelFiles;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.encoder.LlmEncoder;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.ranking.index.ItemIndex;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.sequential.SasRecFile;
import dev.recsys.ranking.signal.ItemSignal;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.signal.TransitionSignal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link GroundingSnapshot} from a verified release: the grounding service's loader.
 *
 * <ul>
 *   <li>A release with a trained LLM ({@code llm-embeddings.bin} + {@code base/}) is grounded as
 *       BIGRec does: the catalogue embedded by the release's base model, and generated texts
 *       embedded by the same base model, loaded here (unless {@code useLlm} is off). Its saved
 *       index ({@code llm-index.hnsw}) is loaded and checked, or built when absent.</li>
 *   <li>Otherwise the sentence-encoder snapshot ({@code embeddings.bin}) and the release's saved
 *       HNSW index (checked against it; built when absent).</li>
 *   <li>The serving pipeline from the manifest's parameters, and the sequential model
 *       ({@code sasrec.safetensors}) when the release ships one; content similarity
 *       ({@link SimilarItemsSignal}, from {@code embeddings.bin}) when the pipeline reads it.</li>
 * </ul>
 *
 * Refuses a release that is inconsistent: snapshot rows vs catalogue size vs manifest count,
 * dimension, an encoder other than the one that embeds the texts, a sequential model that is
 * missing (when the pipeline needs it), corrupt or made for another catalogue, a malformed pipeline.
 */
public final class SnapshotLoader implements ReleaseLoader<GroundingSnapshot> {
  private final Encoder sentenceEncoder;
  private final HnswItemIndex.Params params;
  private final int defaultPool;
  private final int defaultTexts;
  private final boolean useLlm;

  /**
   * @param defaultPool  candidate pool of a release made before pipelines were recorded
   * @param defaultTexts texts grounded by such a release
   */
  public SnapshotLoader(Encoder sentenceEncoder, HnswItemIndex.Params params, int defaultPool, int defaultTexts,
      boolean useLlm) {
    this.sentenceEncoder = sentenceEncoder;
    this.params = params;
    this.defaultPool = defaultPool;
    this.defaultTexts = defaultTexts;
    this.useLlm = useLlm;
  }

  @Override
  public GroundingSnapshot load(String tenant, Path dir, ReleaseManifest manifest) throws InterruptedException {
    Catalogue catalogue = CatalogueFile.read(dir.resolve(CatalogueFile.FILE_NAME));
    ServingPipeline pipeline;
    try {
      pipeline = ServingPipeline.fromParams(manifest.params(), defaultPool, defaultTexts);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(dir.resolve(ReleaseManifest.FILE_NAME), e.getMessage());
    }
    if (useLlm && manifest.files().containsKey(ModelFiles.LLM_EMBEDDINGS)) {
      return loadLlm(dir, manifest, catalogue, pipeline);
    }
    Path snapshotFile = dir.resolve(SnapshotFile.FILE_NAME);
    EmbeddingMatrix m = SnapshotFile.read(snapshotFile);
    if (!sentenceEncoder.id().equals(manifest.encoder())) {
      throw new ArtifactException(snapshotFile, "made by encoder '" + m.encoderId() + "' (manifest: '"
          + manifest.encoder() + "') but this service embeds texts with '" + sentenceEncoder.id() + "'");
    }
    check(snapshotFile, m, sentenceEncoder, catalogue, manifest.itemCount());
    if (m.dimension() != manifest.dimension()) {
      throw new ArtifactException(snapshotFile, "dimension " + m.dimension() + " differs from the manifest's "
          + manifest.dimension());
    }
    ItemIndex index = index(dir, manifest, HnswItemIndex.FILE_NAME, m);
    TransitionModel transitions = transitions(dir, manifest, catalogue);
    SimilarItemsSignal similar = pipeline.reads(ServingPipeline.SIMILAR) ? similar(snapshotFile, m) : null;
    TransitionModel cooccurrence = cooccurrence(dir, manifest, catalogue, pipeline);
    SasRec sequential = sequential(dir, manifest, catalogue, pipeline);
    try {
      return new GroundingSnapshot(catalogue, m, index, sentenceEncoder,
          signals(catalogue, transitions, cooccurrence, sequential, similar), pipeline,
          sequential == null ? List.of() : List.of(sequential));
    } catch (IllegalArgumentException e) {
      if (sequential != null) {
        sequential.close();
      }
      throw new ArtifactException(dir.resolve(ReleaseManifest.FILE_NAME), e.getMessage());
    }
  }

  private GroundingSnapshot loadLlm(Path dir, ReleaseManifest manifest, Catalogue catalogue,
      ServingPipeline pipeline) throws InterruptedException {
    Path snapshotFile = dir.resolve(ModelFiles.LLM_EMBEDDINGS);
    EmbeddingMatrix m = SnapshotFile.read(snapshotFile);
    LlmEncoder encoder;
    try {
      encoder = new LlmEncoder(dir.resolve(ModelFiles.BASE));
    } catch (RuntimeException e) {
      throw new ArtifactException(dir.resolve(ModelFiles.BASE), "cannot load the base model: " + e.getMessage());
    }
    SasRec sequential = null;
    try {
      check(snapshotFile, m, encoder, catalogue, manifest.itemCount());
      ItemIndex index = index(dir, manifest, HnswItemIndex.LLM_FILE_NAME, m);
      TransitionModel transitions = transitions(dir, manifest, catalogue);
      SimilarItemsSignal similar = pipeline.reads(ServingPipeline.SIMILAR) ? similar(dir, manifest, catalogue) : null;
      TransitionModel cooccurrence = cooccurrence(dir, manifest, catalogue, pipeline);
      sequential = sequential(dir, manifest, catalogue, pipeline);
      List<AutoCloseable> owned = sequential == null ? List.of(encoder) : List.of(sequential, encoder);
      return new GroundingSnapshot(catalogue, m, index, encoder,
          signals(catalogue, transitions, cooccurrence, sequential, similar), pipeline, owned);
    } catch (IllegalArgumentException e) {
      if (sequential != null) {
        sequential.close();
      }
      encoder.close();
      throw new ArtifactException(dir.resolve(ReleaseManifest.FILE_NAME), e.getMessage());
    } catch (RuntimeException | InterruptedException e) {
      if (sequential != null) {
        sequential.close();
      }
      encoder.close();
      throw e;
    }
  }

  private ItemIndex index(Path dir, ReleaseManifest manifest, String file, EmbeddingMatrix m)
      throws InterruptedException {
    return manifest.files().containsKey(file) ? HnswItemIndex.load(dir.resolve(file), m, params.ef())
        : HnswItemIndex.build(m, params);
  }

  /**
   * The signals W of a release: popularity always; the transition counts, the co-occurrence
   * weights, the sequential model and content similarity when present (each may be null).
   */
  public static List<ItemSignal> signals(Catalogue catalogue, TransitionModel transitions,
      TransitionModel cooccurrence, SasRec sequential, SimilarItemsSignal similar) {
    List<ItemSignal> out = new ArrayList<>();
    out.add(new PopularitySignal(catalogue));
    if (transitions != null) {
      out.add(new TransitionSignal(transitions));
    }
    if (cooccurrence != null) {
      out.add(TransitionSignal.cooccurrence(cooccurrence));
    }
    if (sequential != null) {
      out.add(sequential);
    }
    if (similar != null) {
      out.add(similar);
    }
    return out;
  }

  /**
   * Content similarity over a release's sentence-encoder snapshot ({@code embeddings.bin}: every
   * release has one, whichever space grounds the LLM's texts), checked against its catalogue.
   */
  public static SimilarItemsSignal similar(Path dir, ReleaseManifest manifest, Catalogue catalogue) {
    Path file = dir.resolve(SnapshotFile.FILE_NAME);
    if (!manifest.files().containsKey(SnapshotFile.FILE_NAME)) {
      throw new ArtifactException(file, "missing, but the release's serving pipeline reads content similarity, "
          + "which is computed from it");
    }
    EmbeddingMatrix m = SnapshotFile.read(file);
    if (m.rows() != catalogue.size()) {
      throw new ArtifactException(file, m.rows() + " rows but the catalogue has " + catalogue.size() + " items");
    }
    return similar(file, m);
  }

  private static SimilarItemsSignal similar(Path file, EmbeddingMatrix m) {
    try {
      return SimilarItemsSignal.of(m);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  /** The release's transition counts, or null when it ships none. */
  private static TransitionModel transitions(Path dir, ReleaseManifest manifest, Catalogue catalogue) {
    if (!manifest.files().containsKey(TransitionsFile.FILE_NAME)) {
      return null;
    }
    Path file = dir.resolve(TransitionsFile.FILE_NAME);
    try {
      return new TransitionModel(catalogue, TransitionsFile.read(file));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  /**
   * The release's co-occurrence weights ({@code cooccurrence.tsv}) when its pipeline reads them
   * (refused when missing then), else null.
   */
  public static TransitionModel cooccurrence(Path dir, ReleaseManifest manifest, Catalogue catalogue,
      ServingPipeline pipeline) {
    if (!pipeline.reads(ServingPipeline.COOCCURRENCE)) {
      return null;
    }
    Path file = dir.resolve(CooccurrenceFile.FILE_NAME);
    if (!manifest.files().containsKey(CooccurrenceFile.FILE_NAME)) {
      throw new ArtifactException(file, "missing, but the release's serving pipeline " + pipeline.name()
          + " reads the co-occurrence weights");
    }
    try {
      return TransitionModel.weighted(catalogue, CooccurrenceFile.read(file));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  /** The release's SASRec model, checked against its catalogue; null when it has none and needs none. */
  private static SasRec sequential(Path dir, ReleaseManifest manifest, Catalogue catalogue,
      ServingPipeline pipeline) {
    Path file = dir.resolve(SasRecFile.FILE_NAME);
    if (!manifest.files().containsKey(SasRecFile.FILE_NAME)) {
      if (pipeline.needsSequential()) {
        throw new ArtifactException(file, "missing, but the release's serving pipeline " + pipeline.name()
            + " needs its sequential model");
      }
      return null;
    }
    return SasRec.load(file, itemIds(catalogue));
  }

  public static List<String> itemIds(Catalogue catalogue) {
    return catalogue.items().stream().map(Item::id).toList();
  }

  private static void check(Path file, EmbeddingMatrix m, Encoder encoder, Catalogue catalogue, int manifestCount) {
    if (!encoder.id().equals(m.encoderId())) {
      throw new ArtifactException(file, "made by encoder '" + m.encoderId() + "' but the texts would be embedded by '"
          + encoder.id() + "'");
    }
    if (m.dimension() != encoder.dimension()) {
      throw new ArtifactException(file, "dimension " + m.dimension() + " differs from the encoder's "
          + encoder.dimension());
    }
    if (m.rows() != catalogue.size() || m.rows() != manifestCount) {
      throw new ArtifactException(file, m.rows() + " rows but the catalogue has " + catalogue.size()
          + " items and the manifest says " + manifestCount);
    }
    if (m.rows() == 0) {
      throw new ArtifactException(file, "empty snapshot: nothing to ground to");
    }
  }
}
