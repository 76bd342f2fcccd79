package dev.recsys.e2e;

import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.LlmEncoder;
import dev.recsys.llm.ModelFiles;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.bigrec.TrainingRun;
import java.util.Map;

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

  /**
   * Publishes a release with a trained LLM run (base checkpoint, adapter, the catalogue embedded
   * by the base model), as {@code recsys-trainer publish --run} does.
   */
  public ReleaseManifest publishLlm(String tenant, Dataset d, Splits splits, Path runDir) throws IOException {
    try (LlmEncoder encoder = new LlmEncoder(runDir.resolve(ModelFiles.BASE))) {
      ReleaseBuilder.LlmRun run = new ReleaseBuilder.LlmRun(runDir, encoder::embed, encoder.id(),
          Map.of("llm.gamma", "0.0"));
      return builder.publish(new ReleaseBuilder.Request(tenant, "stable", d, "test", splits.protocol(), splits.train(),
          0.0, "e2e", false, run), n -> { });
    }
  }

  /** Trains the trainer's quick profile (seconds on the synthetic set, about a minute on ml-100k). */
  public static Path trainQuick(Dataset d, Splits splits, Path dir) throws IOException {
    DjlDefaults.apply();
    TrainingRun.run(d, splits.train(), Profile.quick(), 0, dir, new TrainingRun.Listener() {
      @Override
      public void phase(String name, int totalSteps) { }

      @Override
      public void step(int step, float loss, long tokens) { }
    });
    return dir;
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
