package dev.recsys.e2e;

import dev.recsys.llm.DjlDefaults;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.eval.Evaluation;
import dev.recsys.trainer.eval.RunServing;
import dev.recsys.trainer.publish.RunReleases;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.bigrec.TrainingRun;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.artifact.ReleaseParams;
import dev.recsys.ranking.encoder.Encoder;
import dev.recsys.ranking.encoder.LlmEncoder;
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

  private final Encoder encoder;

  /** A training run that reports nothing (tests and benches read its files). */
  private static final TrainingRun.Listener QUIET = new TrainingRun.Listener() {
    @Override
    public void phase(String name, int totalSteps) { }

    @Override
    public void step(int step, float loss, long tokens) { }
  };

  /** Publishes signed by the store's {@link DevKeys}, which {@link LocalStack} makes the services trust. */
  public Releases(Path storeRoot, Encoder encoder) {
    this(new FileArtifactStore(storeRoot).signingWith(DevKeys.of(storeRoot).signer()), encoder);
  }

  private Releases(FileArtifactStore store, Encoder encoder) {
    this.store = store;
    this.encoder = encoder;
    this.builder = new ReleaseBuilder(store, encoder);
  }

  /** Publishes to the same store unsigned (the services refuse such releases). */
  public Releases unsigned() {
    return new Releases(new FileArtifactStore(store.root()), encoder);
  }

  /** Publishes to the same store signed by another key (one the services do not trust). */
  public Releases signedBy(dev.recsys.common.artifact.signing.ReleaseSigner signer) {
    return new Releases(new FileArtifactStore(store.root()).signingWith(signer), encoder);
  }

  public FileArtifactStore store() {
    return store;
  }

  public ReleaseManifest publish(String tenant, Dataset d, Splits splits, double gamma) throws IOException {
    return publish(tenant, "stable", d, splits, gamma);
  }

  /** Publishes and points {@code channel} at the release (another channel than stable: the services do not see it). */
  public ReleaseManifest publish(String tenant, String channel, Dataset d, Splits splits, double gamma)
      throws IOException {
    return builder.publish(ReleaseBuilder.Request.to(tenant, d, splits.train()).channel(channel)
        .provenance("test", splits.protocol()).gamma(gamma).producer("e2e"), n -> { });
  }

  /**
   * Publishes a release of a trained and evaluated run serving its best BIGRec pipeline (the LLM's
   * constrained beams, grounded), as {@code recsys-trainer publish --run --pipeline bigrec} does.
   */
  public ReleaseManifest publishLlm(String tenant, Dataset d, Splits splits, Path runDir) throws IOException {
    return publishRun(tenant, d, splits, runDir, ServingPipeline.Kind.BIGREC.label());
  }

  /**
   * Publishes a release of a trained and evaluated run, as {@code recsys-trainer publish --run}
   * does: serving the pipeline its evaluation chose ({@code kind} null) or the best of a kind.
   */
  public ReleaseManifest publishRun(String tenant, Dataset d, Splits splits, Path runDir, String kind)
      throws IOException {
    EvalReport eval = EvalReport.read(runDir);
    return publishRun(tenant, d, splits, runDir, RunReleases.choose(eval, kind));
  }

  /** As {@link #publishRun(String, Dataset, Splits, Path, String)}, serving a given pipeline (and its validation score). */
  public ReleaseManifest publishRun(String tenant, Dataset d, Splits splits, Path runDir, EvalReport.Candidate chosen)
      throws IOException {
    EvalReport eval = EvalReport.read(runDir);
    ReleaseBuilder.LlmRun run = RunReleases.llmRun(runDir, eval, chosen);
    return builder.publish(ReleaseBuilder.Request.to(tenant, d, splits.train())
        .provenance("test", splits.protocol()).producer("e2e").index(false).run(run), n -> { });
  }

  /**
   * Trains the trainer's quick profile (seconds on the synthetic set, about a minute on ml-100k)
   * and evaluates it on a few samples, so that the run can be published.
   */
  public static Path trainQuick(Dataset d, Splits splits, Path dir) throws IOException {
    return trainQuick(d, splits, dir, 20);
  }

  /** As {@link #trainQuick(Dataset, Splits, Path)}, choosing the pipeline on {@code samples} validation samples. */
  public static Path trainQuick(Dataset d, Splits splits, Path dir, int samples) throws IOException {
    DjlDefaults.apply();
    TrainingRun.run(d, splits.train(), splits.valid(), Profile.quick(), 0, dir, QUIET);
    try (RunServing serving = RunServing.open(d, splits.train(), dir, n -> { })) {
      EvalReport report = new Evaluation(serving, new Evaluation.Options(samples, samples, 0, 2,
          Profile.quick().maxNewTokens())).run(splits.protocol(), splits.valid(), splits.test(),
          new Evaluation.Listener() {
            @Override
            public void phase(String name, int total) { }

            @Override
            public void step(int done) { }
          });
      new ObjectMapper().writeValue(dir.resolve(EvalReport.FILE_NAME).toFile(), report);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return dir;
  }

  /**
   * A few LoRA steps on a pretrained base: 8 next-item samples (+2 auxiliary), one step, a tiny
   * SASRec. Enough to exercise every serving mechanism with the base's real shapes and tokenizer,
   * not to recommend well.
   */
  static final Profile PRETRAINED_SMOKE = new Profile("pretrained-smoke", 64, 2, 4, 2, 172, 0, 0, 8, 1, 0.25, 8,
      3e-4f, 3e-3f, 160, 32, 2, 20, 20, 24);

  /**
   * Fine-tunes {@link #PRETRAINED_SMOKE} on a converted pretrained base ({@code train --base}) and
   * writes the run's serving files (the base's title embeddings and their index), without
   * evaluating it: publish it with {@link #publishUnevaluated}.
   */
  public static Path trainOnPretrained(Dataset d, Splits splits, Path hfBase, Path dir)
      throws IOException, InterruptedException {
    DjlDefaults.apply();
    TrainingRun.run(d, splits.train(), splits.valid(), PRETRAINED_SMOKE, 0, dir, QUIET, false, hfBase);
    RunServing.open(d, splits.train(), dir, n -> { }).close();
    return dir;
  }

  /**
   * Publishes a trained run serving {@code pipeline}, with no evaluation numbers (the release
   * says none were measured): for tests of the serving mechanics, never a quality claim.
   */
  public ReleaseManifest publishUnevaluated(String tenant, Dataset d, Splits splits, Path runDir,
      ServingPipeline pipeline) throws IOException {
    ReleaseBuilder.LlmRun run = new ReleaseBuilder.LlmRun(runDir,
        LlmEncoder.idOf(runDir.resolve(ReleaseLayout.BASE)), pipeline, ReleaseParams.Metrics.NONE);
    return builder.publish(ReleaseBuilder.Request.to(tenant, d, splits.train())
        .provenance("test", splits.protocol()).producer("e2e").index(false).run(run), n -> { });
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
