package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseParams;
import dev.recsys.ranking.encoder.LlmEncoder;
import dev.recsys.trainer.eval.EvalReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** How an evaluated run becomes a release: which pipeline it serves and what the manifest records. */
public final class RunReleases {
  private RunReleases() {}

  /**
   * The pipeline to serve: the one evaluation chose, or the best of {@code kind} on validation.
   *
   * @throws IllegalArgumentException naming the kinds evaluated when {@code kind} is not one of them
   */
  public static EvalReport.Candidate choose(EvalReport eval, String kind) {
    if (kind == null) {
      return new EvalReport.Candidate(eval.serving(), eval.servingValidNdcg10());
    }
    EvalReport.Candidate c = eval.bestByKind().get(kind.toLowerCase(Locale.ROOT));
    if (c == null) {
      throw new IllegalArgumentException("--pipeline '" + kind + "' was not evaluated; the run's evaluation has "
          + eval.bestByKind().keySet());
    }
    return c;
  }

  /** The release's LLM part: the run's files, the chosen pipeline and what evaluation measured of it. */
  public static ReleaseBuilder.LlmRun llmRun(Path run, EvalReport eval, EvalReport.Candidate chosen) {
    Optional<EvalReport.Row> row = eval.rowOf(chosen.pipeline());
    ReleaseParams.Metrics metrics = new ReleaseParams.Metrics(OptionalDouble.of(chosen.validNdcg10()),
        Optional.of(eval.bestNonLlm()), OptionalDouble.of(eval.bestNonLlmValidNdcg10()),
        row.map(r -> OptionalDouble.of(r.whole().ndcg().get(10))).orElse(OptionalDouble.empty()),
        row.map(r -> OptionalDouble.of(r.whole().hr().get(10))).orElse(OptionalDouble.empty()));
    return new ReleaseBuilder.LlmRun(run, LlmEncoder.idOf(run.resolve(ReleaseLayout.BASE)), chosen.pipeline(), metrics);
  }
}
