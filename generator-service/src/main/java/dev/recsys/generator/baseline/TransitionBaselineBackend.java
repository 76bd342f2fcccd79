package dev.recsys.generator.baseline;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.backend.GeneratorModels;
import java.util.List;

/**
 * The collaborative baseline: proposes the titles of the items that most often followed the
 * user's recent items in the training interactions ({@link TransitionModel}), with popularity as
 * back-off. Needs no GPU and no LLM; stays in the product as the degraded-mode fallback.
 */
public final class TransitionBaselineBackend implements GenerationBackend {
  public static final String NAME = "transition-baseline";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Candidate> generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n,
      java.util.Set<String> excluded) {
    TransitionModel model = release.value().baseline();
    return model.next(history.stream().map(HistoryEntry::itemId).toList(), n).stream()
        .map(s -> new Candidate(model.catalogue().get(s.row()).title(), s.score()))
        .toList();
  }
}
