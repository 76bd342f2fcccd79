package dev.recsys.gateway.stages;

import dev.recsys.proto.generator.v1.HistoryItem;
import jakarta.enterprise.context.Dependent;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;

/**
 * Degraded generation: when the generator cannot answer, the titles of the user's most recent
 * items (newest first) stand in for generated texts, so grounding still returns items similar
 * to what the user just watched.
 */
@Dependent
public class GeneratorFallback implements FallbackHandler<Generated> {
  public static final String BACKEND = "history-fallback";
  /** Titles grounded when the request left the number to the release's pipeline. */
  static final int DEFAULT_TEXTS = 4;

  @Override
  @SuppressWarnings("unchecked")
  public Generated handle(ExecutionContext context) {
    List<HistoryItem> history = (List<HistoryItem>) context.getParameters()[1];
    int asked = (Integer) context.getParameters()[2];
    int n = asked > 0 ? asked : DEFAULT_TEXTS;
    List<String> texts = new ArrayList<>();
    for (int i = history.size() - 1; i >= 0 && texts.size() < n; i--) {
      texts.add(history.get(i).getTitle());
    }
    return new Generated(texts, BACKEND, "", context.getFailure().getMessage()
        + "; grounded the user's recent items instead");
  }
}
