package dev.recsys.e2e;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.encoder.Encoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.MovieLensReader;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Publishes releases the way the trainer does, for tests and benches. */
public final class Releases {
  private final FileArtifactStore store;
  private final ReleaseBuilder builder;

  public Releases(Path storeRoot, Encoder encoder) {
    this.store = new FileArtifactStore(storeRoot);
    this.builder = new ReleaseBuilder(store, encoder);
  }

  public FileArtifactStore store() {
    return store;
  }

  public ReleaseManifest publish(String tenant, Dataset d, Splits splits, double gamma) throws IOException {
    return builder.publish(new ReleaseBuilder.Request(tenant, "stable", d, "test", splits.protocol(), splits.train(),
        gamma, "e2e", true), n -> { });
  }

  /** The MovieLens-100K copy beside the checkout, or null when it is absent. */
  public static Path ml100k() {
    Path dir = Path.of(System.getProperty("recsys.ml100k", LocalStack.repoRoot().resolve("../shared/datasets/ml-100k")
        .toString()));
    return Files.isRegularFile(dir.resolve("u.data")) ? dir : null;
  }

  public static Dataset movieLens(Path dir) {
    return MovieLensReader.read(dir, "ml-100k");
  }

  public static Dataset synthetic() {
    return SyntheticDataset.generate(300, 200, 7);
  }

  public static Splits bigrec(Dataset d) {
    return Splitter.bigrec(d);
  }
}
