package dev.recsys.trainer.publish;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.llm.ModelFiles;
import dev.recsys.ranking.encoder.LlmEncoder;
import dev.recsys.trainer.data.DatasetException;
import dev.recsys.trainer.eval.EvalReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How an evaluated run becomes a release: which pipeline it serves and what the manifest records. */
public final class RunReleases {
  /** Manifest parameters of the gate against rankings without the LLM. */
  public static final String BEST_NON_LLM = "metrics.bestNonLlm";
  public static final String BEST_NON_LLM_NDCG = "metrics.bestNonLlmValidNdcg10";

  private RunReleases() {}

  /** The run's {@code eval.json}; a clear error when it is missing or unreadable. */
  public static EvalReport readEval(Path run) {
    Path file = run.resolve(EvalReport.FILE_NAME);
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

  /** The release's LLM part: the run's files and the pipeline with its metrics as parameters. */
  public static ReleaseBuilder.LlmRun llmRun(Path run, EvalReport eval, EvalReport.Candidate chosen) {
    Map<String, String> params = new LinkedHashMap<>(chosen.pipeline().toParams());
    params.put(PublishGate.METRIC, Double.toString(chosen.validNdcg10()));
    params.put(BEST_NON_LLM, eval.bestNonLlm());
    params.put(BEST_NON_LLM_NDCG, Double.toString(eval.bestNonLlmValidNdcg10()));
    eval.rows().stream().filter(r -> r.pipeline().equals(chosen.pipeline().describe())).findFirst().ifPresent(r -> {
      params.put("metrics.test.ndcg10", Double.toString(r.whole().ndcg().get(10)));
      params.put("metrics.test.hr10", Double.toString(r.whole().hr().get(10)));
    });
    params.put("llm.base", ModelFiles.BASE);
    params.put("llm.adapter", ModelFiles.ADAPTER);
    return new ReleaseBuilder.LlmRun(run, LlmEncoder.idOf(run.resolve(ModelFiles.BASE)), params);
  }
}
