package dev.recsys.generator.baseline;

import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.interactions.TransitionsFile;
import java.nio.file.Path;

/** Reads the catalogue and transition counts of a verified release. */
public final class TransitionModelLoader implements ReleaseLoader<TransitionModel> {
  @Override
  public TransitionModel load(String tenant, Path dir, ReleaseManifest manifest) {
    Catalogue catalogue = CatalogueFile.read(dir.resolve(CatalogueFile.FILE_NAME));
    return new TransitionModel(catalogue, TransitionsFile.read(dir.resolve(TransitionsFile.FILE_NAME)));
  }
}
