package dev.recsys.ranking.snapshot;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.encoder.LlmEncoder;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.ranking.index.ItemIndex;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link GroundingSnapshot} from a verified release: the grounding service's loader.
 *
 * <ul>
 *   <li>A release with a trained LLM ({@link ReleaseLayout#hasLlm}, the generator's test too) is
 *       grounded as BIGRec does: the catalogue embedded by the release's base model
 *       ({@code llm-embeddings.bin}, refused when missing), and generated texts embedded by the
 *       same base model, loaded here (unless {@code useLlm} is off). Its saved index
 *       ({@code llm-index.hnsw}) is loaded and checked, or built when absent.</li>
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
  public GroundingSnapshot load(String tenant, ReleaseLayout release) throws InterruptedException {
    Catalogue catalogue = CatalogueFile.read(release.file(ReleaseLayout.CATALOGUE));
    ServingPipeline pipeline = ServingPipeline.of(release, defaultPool, defaultTexts);
    if (useLlm && release.hasLlm()) {
      return loadLlm(release, catalogue, pipeline);
    }
    Path snapshotFile = release.file(ReleaseLayout.EMBEDDINGS);
    EmbeddingMatrix m = SnapshotFile.read(snapshotFile);
    ReleaseManifest manifest = release.manifest();
    if (!sentenceEncoder.id().equals(manifest.encoder())) {
      throw new ArtifactException(snapshotFile, "made by encoder '" + m.encoderId() + "' (manifest: '"
          + manifest.encoder() + "') but this service embeds texts with '" + sentenceEncoder.id() + "'");
    }
    check(snapshotFile, m, sentenceEncoder, catalogue, manifest.itemCount());
    if (m.dimension() != manifest.dimension()) {
      throw new ArtifactException(snapshotFile, "dimension " + m.dimension() + " differs from the manifest's "
          + manifest.dimension());
    }
    ItemIndex index = index(release, ReleaseLayout.INDEX, m);
    SimilarItemsSignal similar = pipeline.reads(ServingPipeline.SIMILAR)
        ? ReleaseSignals.similar(snapshotFile, m) : null;
    return snapshot(release, catalogue, pipeline, m, index, sentenceEncoder, similar, List.of());
  }

  /** BIGRec's grounding space: the catalogue and the texts embedded by the release's base model. */
  private GroundingSnapshot loadLlm(ReleaseLayout release, Catalogue catalogue, ServingPipeline pipeline)
      throws InterruptedException {
    Path snapshotFile = release.require(ReleaseLayout.LLM_EMBEDDINGS, "the release carries an LLM, whose texts "
        + "are grounded in the catalogue embedded by its base model");
    EmbeddingMatrix m = SnapshotFile.read(snapshotFile);
    LlmEncoder encoder;
    try {
      encoder = new LlmEncoder(release.file(ReleaseLayout.BASE));
    } catch (RuntimeException e) {
      throw new ArtifactException(release.file(ReleaseLayout.BASE), "cannot load the base model: " + e.getMessage());
    }
    try {
      check(snapshotFile, m, encoder, catalogue, release.manifest().itemCount());
      ItemIndex index = index(release, ReleaseLayout.LLM_INDEX, m);
      SimilarItemsSignal similar = pipeline.reads(ServingPipeline.SIMILAR)
          ? ReleaseSignals.similar(release, catalogue) : null;
      return snapshot(release, catalogue, pipeline, m, index, encoder, similar, List.of(encoder));
    } catch (RuntimeException | InterruptedException e) {
      encoder.close();
      throw e;
    }
  }

  /** The snapshot with the release's signals; closes what it loaded when the release is refused. */
  private static GroundingSnapshot snapshot(ReleaseLayout release, Catalogue catalogue, ServingPipeline pipeline,
      EmbeddingMatrix m, ItemIndex index, Encoder encoder, SimilarItemsSignal similar, List<AutoCloseable> owned) {
    TransitionModel transitions = ReleaseSignals.transitions(release, catalogue);
    TransitionModel cooccurrence = pipeline.reads(ServingPipeline.COOCCURRENCE)
        ? ReleaseSignals.cooccurrence(release, catalogue, pipeline) : null;
    SasRec sequential = ReleaseSignals.sequential(release, catalogue, pipeline);
    List<AutoCloseable> all = new ArrayList<>(owned);
    if (sequential != null) {
      all.add(0, sequential);
    }
    try {
      return new GroundingSnapshot(catalogue, m, index, encoder,
          ReleaseSignals.of(catalogue, transitions, cooccurrence, sequential, similar), pipeline, all);
    } catch (IllegalArgumentException e) {
      if (sequential != null) {
        sequential.close();
      }
      throw new ArtifactException(release.file(ReleaseLayout.MANIFEST), e.getMessage());
    }
  }

  private ItemIndex index(ReleaseLayout release, String file, EmbeddingMatrix m) throws InterruptedException {
    return release.contains(file) ? HnswItemIndex.load(release.file(file), m, params.ef())
        : HnswItemIndex.build(m, params);
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
