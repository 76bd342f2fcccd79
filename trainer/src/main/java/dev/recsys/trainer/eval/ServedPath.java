package dev.recsys.trainer.eval;

import dev.recsys.llm.TitleGenerator;
import dev.recsys.ranking.grounding.GroundedCandidate;
import dev.recsys.ranking.grounding.Grounder;
import dev.recsys.ranking.pipeline.PipelineGeneration;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.split.Sample;
import java.util.List;

/**
 * One request on the served path, offline: what the generator service returns for a history under
 * a pipeline, and what the grounding service ranks from given texts. The parity test compares
 * these with the running services; {@link Evaluation} ranks many samples the same way.
 */
public final class ServedPath {
  private final RunServing run;
  private final int maxNewTokens;
  private final Grounder grounder = new Grounder();

  public ServedPath(RunServing run, int maxNewTokens) {
    this.run = run;
    this.maxNewTokens = maxNewTokens;
  }

  /** The texts the generator service returns for the sample's history (seen items excluded). */
  public List<String> generate(Sample sample, ServingPipeline pipeline) {
    if (!pipeline.usesLlm()) {
      return List.of();
    }
    EvalSample s = EvalSample.of(sample, run.catalogue());
    return generate(s, pipeline).stream().map(TitleGenerator.Generated::text).toList();
  }

  List<TitleGenerator.Generated> generate(EvalSample s, ServingPipeline p) {
    int texts = p.generation().texts();
    TitleGenerator.Ask ask = PipelineGeneration.ask(p, s.recentTitles(), texts, run.trie(), s.historyRows(),
        s.excludedRows(), run::signal, maxNewTokens, p.needsTitlePriors() ? run.titlePriors() : null);
    return PipelineGeneration.keep(run.generator().generate(List.of(ask)).get(0), texts);
  }

  /** The grounding service's top {@code k} for these texts and the sample's history (seen items excluded). */
  public List<GroundedCandidate> ground(Sample sample, List<String> texts, ServingPipeline pipeline, int k) {
    EvalSample s = EvalSample.of(sample, run.catalogue());
    return grounder.ground(run.snapshot(pipeline, run.signals(), run.index()),
        new Grounder.Request(texts, s.historyRows(), s.excludedRows(), k, pipeline.grounding()));
  }
}
