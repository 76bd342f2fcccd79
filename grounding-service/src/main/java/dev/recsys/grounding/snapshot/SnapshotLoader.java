package dev.recsys.grounding.snapshot;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.common.index.HnswItemIndex;
import java.nio.file.Path;

/**
 * Builds a {@link GroundingSnapshot} from a verified release: loads the release's HNSW index when
 * the trainer saved one (checked against the snapshot), builds it otherwise. Refuses a release
 * that is inconsistent:
 * snapshot rows vs catalogue size vs manifest count, dimension, or an encoder other than the one
 * this service embeds texts with.
 */
public final class SnapshotLoader implements ReleaseLoader<GroundingSnapshot> {
  private final String encoderId;
  private final int encoderDimension;
  private final HnswItemIndex.Params params;
  private final double defaultGamma;

  public SnapshotLoader(String encoderId, int encoderDimension, HnswItemIndex.Params params, double defaultGamma) {
    this.encoderId = encoderId;
    this.encoderDimension = encoderDimension;
    this.params = params;
    this.defaultGamma = defaultGamma;
  }

  @Override
  public GroundingSnapshot load(String tenant, Path dir, ReleaseManifest manifest) throws InterruptedException {
    Path snapshotFile = dir.resolve(SnapshotFile.FILE_NAME);
    Catalogue catalogue = CatalogueFile.read(dir.resolve(CatalogueFile.FILE_NAME));
    EmbeddingMatrix m = SnapshotFile.read(snapshotFile);
    if (!encoderId.equals(m.encoderId()) || !encoderId.equals(manifest.encoder())) {
      throw new ArtifactException(snapshotFile, "made by encoder '" + m.encoderId() + "' (manifest: '"
          + manifest.encoder() + "') but this service embeds texts with '" + encoderId + "'");
    }
    if (m.dimension() != encoderDimension || m.dimension() != manifest.dimension()) {
      throw new ArtifactException(snapshotFile, "dimension " + m.dimension() + " differs from the encoder's "
          + encoderDimension + " or the manifest's " + manifest.dimension());
    }
    if (m.rows() != catalogue.size() || m.rows() != manifest.itemCount()) {
      throw new ArtifactException(snapshotFile, m.rows() + " rows but the catalogue has " + catalogue.size()
          + " items and the manifest says " + manifest.itemCount());
    }
    if (m.rows() == 0) {
      throw new ArtifactException(snapshotFile, "empty snapshot: nothing to ground to");
    }
    HnswItemIndex index = manifest.files().containsKey(HnswItemIndex.FILE_NAME)
        ? HnswItemIndex.load(dir.resolve(HnswItemIndex.FILE_NAME), m, params.ef())
        : HnswItemIndex.build(m, params);
    return new GroundingSnapshot(catalogue, m, index, manifest.param("gamma", defaultGamma));
  }
}
