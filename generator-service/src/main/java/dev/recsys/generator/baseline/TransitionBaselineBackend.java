package dev.recsys.generator.baseline;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.ReleaseWatcher;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.rpc.RequestException;
import dev.recsys.generator.backend.GenerationBackend;
import java.util.List;

/**
 * The collaborative baseline: proposes the titles of the items that most often followed the
 * user's recent items in the training interactions ({@link TransitionModel}), with popularity as
 * back-off. Needs no GPU and no LLM; stays in the product as the degraded-mode fallback.
 */
public final class TransitionBaselineBackend implements GenerationBackend {
  public static final String NAME = "transition-baseline";

  private final ReleaseWatcher<TransitionModel> models;

  public TransitionBaselineBackend(ReleaseWatcher<TransitionModel> models) {
    this.models = models;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean serves(String tenant) {
    return models.current(tenant).isPresent();
  }

  @Override
  public Generation generate(String tenant, List<String> history, int n) {
    LoadedRelease<TransitionModel> release = models.current(tenant).orElseThrow(() -> models.tenants().isEmpty()
        ? RequestException.unavailable("no generator model is loaded yet; retry shortly")
        : RequestException.notFound("tenant '" + tenant + "' has no published generator model"));
    TransitionModel model = release.value();
    List<Candidate> texts = model.next(history, n).stream()
        .map(s -> new Candidate(model.catalogue().get(s.row()).title(), s.score()))
        .toList();
    return new Generation(texts, release.release());
  }
}
