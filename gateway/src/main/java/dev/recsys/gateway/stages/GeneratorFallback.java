package dev.recsys.gateway.stages;

import jakarta.enterprise.context.Dependent;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;

/**
 * Degraded generation: when the generator cannot answer, no texts are generated, and the grounding
 * service ranks by the release's collaborative signal alone (SASRec when its pipeline uses it,
 * the transition counts otherwise): the release's ranking without the LLM, which its evaluation
 * measured. (Grounding the titles of the user's own recent items instead, as an earlier version
 * did, served their look-alikes: on MovieLens-100K that scored NDCG@10 0.014, below popularity.)
 */
@Dependent
public class GeneratorFallback implements FallbackHandler<Generated> {
  public static final String BACKEND = "signal-fallback";

  @Override
  public Generated handle(ExecutionContext context) {
    return new Generated(List.of(), BACKEND, "", context.getFailure().getMessage()
        + "; ranked by the release's collaborative signal instead (no generated texts)");
  }
}
