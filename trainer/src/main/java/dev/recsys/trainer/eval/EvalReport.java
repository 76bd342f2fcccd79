package dev.recsys.trainer.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.ranking.metrics.RankingMetrics;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.data.DatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code eval} measured, written to {@code <run>/eval.json} and read back by {@code publish}.
 *
 * @param protocol              the split protocol (bigrec or loo)
 * @param validSamples          validation samples the pipelines were compared on
 * @param testSamples           test samples of the rows
 * @param testStrictlyLater     of those, samples whose target is strictly later than the last history item
 * @param families              the LLM pipeline families tried on validation (the rankings without it always are)
 * @param rows                  the table, on the test samples
 * @param serving               the pipeline chosen on validation: what a release of this run serves
 * @param servingValidNdcg10    its validation NDCG@10
 * @param bestNonLlm            the best ranking without the LLM on validation (what the gate compares with)
 * @param bestNonLlmValidNdcg10 its validation NDCG@10
 * @param bestByKind            the best pipeline of each kind on validation, and of each rerank source by its
 *                              name ({@code sasrec+llm-rerank}); {@code publish --pipeline} picks one
 * @param validation            every pipeline tried on validation, best first
 * @param medianGenerationMs    median generation time per sample (one request at a time) by decoding
 * @param runnerUp              the best pipeline of the other side on validation: without the LLM when
 *                              the serving pipeline uses it, with it otherwise (null when none was tried)
 * @param runnerUpValidNdcg10   its validation NDCG@10
 * @param marginStdError        the paired standard error of the serving pipeline's validation margin over
 *                              it ({@link RankingMetrics#pairedStdError}): a margin below it is noise
 */
public record EvalReport(String protocol, int validSamples, int testSamples, int testStrictlyLater, List<String> families,
    List<Row> rows,
    ServingPipeline serving, double servingValidNdcg10, String bestNonLlm, double bestNonLlmValidNdcg10,
    Map<String, Candidate> bestByKind, List<Trial> validation, Map<String, Double> medianGenerationMs,
    String runnerUp, double runnerUpValidNdcg10, double marginStdError) {

  /** The file in a run folder. */
  public static final String FILE_NAME = "eval.json";

  /**
   * One row of the table.
   *
   * @param method        what ranked
   * @param pipeline      the pipeline that ranked
   * @param served        whether this is the serving pipeline
   * @param whole         metrics on every test sample
   * @param strictlyLater metrics on the test samples whose target is strictly later than the history
   */
  public record Row(String method, ServingPipeline pipeline, boolean served, RankingMetrics whole,
      RankingMetrics strictlyLater) {}

  /** A pipeline tried on validation. */
  public record Trial(String pipeline, double validNdcg10) {}

  /** A pipeline that could be served, with its validation NDCG@10. */
  public record Candidate(ServingPipeline pipeline, double validNdcg10) {}

  /** Said instead of the strictly-later table when a split has no such sample. */
  public static final String NO_LATER_SAMPLES = "No test sample has a target known to be strictly later than its last "
      + "history item (a dataset without history timestamps, such as MiniOneRec's layout, has none), so the "
      + "strictly-later table is left out: the dataset's order is the only order there is.";

  /** The row of a pipeline, if the table has one. */
  public Optional<Row> rowOf(ServingPipeline pipeline) {
    return rows.stream().filter(r -> r.pipeline().equals(pipeline)).findFirst();
  }

  /**
   * The report of a run folder ({@code <run>/eval.json}).
   *
   * @throws DatasetException naming the file when it is missing or not a report of this version
   */
  public static EvalReport read(Path run) {
    Path file = run.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, "missing; evaluate the run first with 'recsys-trainer eval'");
    }
    try {
      return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .readValue(file.toFile(), EvalReport.class);
    } catch (IOException e) {
      throw new DatasetException(file, "not an evaluation report of this version (evaluate the run again): "
          + e.getMessage());
    }
  }

  /** The row of the serving pipeline. */
  public Row servedRow() {
    return rows.stream().filter(Row::served).findFirst().orElseThrow();
  }

  /** The report as Markdown: both tables, the choice and what it was compared with. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Protocol: %s split; %d test samples (%d with the target strictly later than "
        + "the last history item); history items excluded from every ranking; ranks from the served list of "
        + "20 items. Pipelines compared by NDCG@10 on %d validation samples (of the half SASRec did not early-stop "
        + "on): the rankings without the LLM and the LLM families %s.%n%n", protocol, testSamples,
        testStrictlyLater, validSamples, families == null ? "(not recorded)" : String.join(", ", families)));
    table(sb, "all test samples", r -> r.whole());
    sb.append('\n');
    if (testStrictlyLater > 0) {
      table(sb, "targets strictly later than the last history item", r -> r.strictlyLater());
    } else {
      sb.append(NO_LATER_SAMPLES).append('\n');
    }
    boolean ruled = !serving.usesLlm() && runnerUp != null && runnerUpValidNdcg10 > servingValidNdcg10;
    String within = String.format(Locale.ROOT, "within %s", Evaluation.leadRule());
    sb.append(String.format(Locale.ROOT, "%nServing pipeline (%s, NDCG@10 %.4f): %s%n", ruled
        ? "best without the LLM on validation: the LLM's lead was " + within
        : "best on validation", servingValidNdcg10, serving.describe()));
    sb.append(String.format(Locale.ROOT, "Best ranking without the LLM on validation: %s, NDCG@10 %.4f (%+.1f%% for the "
        + "serving pipeline)%n", bestNonLlm, bestNonLlmValidNdcg10,
        bestNonLlmValidNdcg10 > 0 ? 100 * (servingValidNdcg10 / bestNonLlmValidNdcg10 - 1) : 0));
    if (runnerUp != null) {
      double margin = servingValidNdcg10 - runnerUpValidNdcg10;
      sb.append(String.format(Locale.ROOT, "Margin over the best ranking %s the LLM (%s): %+.4f NDCG@10 on validation, "
          + "paired standard error %.4f over %d samples%s%n", serving.usesLlm() ? "without" : "with", runnerUp, margin,
          marginStdError, validSamples, ruled ? " (the LLM's lead is " + within + ", so the simpler ranking serves)"
          : margin <= Evaluation.LLM_LEAD_STANDARD_ERRORS * marginStdError ? " (" + within + ": the choice is not "
          + "settled by these samples)" : ""));
    }
    if (!medianGenerationMs.isEmpty()) {
      sb.append("Generation time per sample (median, one request at a time):");
      medianGenerationMs.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f ms;", k, v)));
      sb.append('\n');
    }
    return sb.toString();
  }

  private void table(StringBuilder sb, String title, java.util.function.Function<Row, RankingMetrics> metrics) {
    int n = rows.isEmpty() ? 0 : metrics.apply(rows.get(0)).samples();
    sb.append("| method (").append(title).append(", ").append(n).append(" samples) |");
    for (int k : RankingMetrics.CUTOFFS) {
      sb.append(" NDCG@").append(k).append(" |");
    }
    for (int k : RankingMetrics.CUTOFFS) {
      sb.append(" HR@").append(k).append(" |");
    }
    sb.append("\n|---|").append("---|".repeat(2 * RankingMetrics.CUTOFFS.length)).append('\n');
    for (Row row : rows) {
      RankingMetrics m = metrics.apply(row);
      sb.append("| ").append(row.served() ? "**" + row.method() + "** (served)" : row.method()).append(" |");
      for (int k : RankingMetrics.CUTOFFS) {
        sb.append(String.format(Locale.ROOT, " %.4f |", m.ndcg().get(k)));
      }
      for (int k : RankingMetrics.CUTOFFS) {
        sb.append(String.format(Locale.ROOT, " %.4f |", m.hr().get(k)));
      }
      sb.append('\n');
    }
  }
}
