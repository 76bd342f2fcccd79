package dev.recsys.grounding.snapshot;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.common.encoder.Encoder;
import dev.recsys.common.index.HnswItemIndex;
import dev.recsys.llm.LlmEncoder;
import dev.recsys.llm.ModelFiles;
import java.nio.file.Path;

/**
 * Builds a {@link GroundingSnapshot} from a verified release.
 *
 * <ul>
 *   <li>A release with a trained LLM ({@code llm-embeddings.bin} + {@code base/}) is grounded as
 *       BIGRec does: the catalogue embedded by the release's base model, and generated texts
 *       embedded by the same base model, loaded here (unless {@code useLlm} is off). The HNSW
 *       index is built over those embeddings at load time.</li>
 *   <li>Otherwise the sentence-encoder snapshot ({@code embeddings.bin}) and the release's saved
 *       HNSW index (checked against it; built when absent).</li>
 * </ul>
 *
 * Refuses a release that is inconsistent: snapshot rows vs catalogue size vs manifest count,
 * dimension, or an encoder other than the one that embeds the texts.
 */
public final class SnapshotLoader implements ReleaseLoader<GroundingSnapshot> {
  private final Encoder sentenceEncoder;
  private final HnswItemIndex.Params params;
  private final double defaultGamma;
  private final boolean useLlm;

  public SnapshotLoader(Encoder sentenceEncoder, HnswItemIndex.Params params, double defaultGamma, boolean useLlm) {
    this.sentenceEncoder = sentenceEncoder;
    this.params = params;
    this.defaultGamma = defaultGamma;
    this.useLlm = useLlm;
  }

  @Override
  public GroundingSnapshot load(String tenant, Path dir, ReleaseManifest manifest) throws InterruptedException {
    Catalogue catalogue = CatalogueFile.read(dir.resolve(CatalogueFile.FILE_NAME));
    if (useLlm && manifest.files().containsKey(ModelFiles.LLM_EMBEDDINGS)) {
      return loadLlm(dir, manifest, catalogue);
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
    HnswItemIndex index = manifest.files().containsKey(HnswItemIndex.FILE_NAME)
        ? HnswItemIndex.load(dir.resolve(HnswItemIndex.FILE_NAME), m, params.ef())
        : HnswItemIndex.build(m, params);
    return new GroundingSnapshot(catalogue, m, index, manifest.param("gamma", defaultGamma), sentenceEncoder);
  }

  private GroundingSnapshot loadLlm(Path dir, ReleaseManifest manifest, Catalogue catalogue)
      throws InterruptedException {
    Path snapshotFile = dir.resolve(ModelFiles.LLM_EMBEDDINGS);
    EmbeddingMatrix m = SnapshotFile.read(snapshotFile);
    LlmEncoder encoder;
    try {
      encoder = new LlmEncoder(dir.resolve(ModelFiles.BASE));
    } catch (RuntimeException e) {
      throw new ArtifactException(dir.resolve(ModelFiles.BASE), "cannot load the base model: " + e.getMessage());
    }
    try {
      check(snapshotFile, m, encoder, catalogue, manifest.itemCount());
      HnswItemIndex index = HnswItemIndex.build(m, params);
      return new GroundingSnapshot(catalogue, m, index, manifest.param("llm.gamma", defaultGamma), encoder, true);
    } catch (RuntimeException | InterruptedException e) {
      encoder.close();
      throw e;
    }
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
