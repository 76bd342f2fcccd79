package dev.recsys.generator.service;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.backend.GenerationBackend.Candidate;
import dev.recsys.generator.backend.GenerationBackend.HistoryEntry;
import dev.recsys.generator.backend.GeneratorModels;
import dev.recsys.serving.rpc.RequestException;
import io.grpc.Status;
import java.util.List;
import java.util.Set;

/**
 * The policy that picks a backend for a request: none when no text is wanted (the release's
 * pipeline ranks with its sequential model alone); the release's LLM on the configured primary
 * backend (in-process or Triton) when the release has one, else the transition baseline. When the
 * LLM cannot serve (unreachable, not loaded, failed), the same release's baseline answers and the
 * result is flagged degraded. Overload (RESOURCE_EXHAUSTED) and deadlines are passed on: falling
 * back would hide the overload from the caller's retry and admission policies.
 */
public final class BackendRouter {
  /** What served a request. */
  public record Routed(List<Candidate> texts, String backend, boolean degraded, String reason) {}

  private static final System.Logger LOG = System.getLogger(BackendRouter.class.getName());

  private final GenerationBackend primary;
  private final GenerationBackend baseline;

  /** @param primary the LLM backend, or the baseline itself when the service runs without an LLM */
  public BackendRouter(GenerationBackend primary, GenerationBackend baseline) {
    this.primary = primary;
    this.baseline = baseline;
  }

  /** The backend named when the release's pipeline ranks without generated texts. */
  public static final String NONE = "none";

  public Routed generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n,
      Set<String> excluded) {
    if (n == 0) {
      return new Routed(List.of(), NONE, false, "");
    }
    if (primary == baseline || !release.value().hasLlm()) {
      return new Routed(baseline.generate(release, history, n, excluded), baseline.name(), false, "");
    }
    try {
      return new Routed(primary.generate(release, history, n, excluded), primary.name(), false, "");
    } catch (RuntimeException e) {
      Status.Code code = e instanceof RequestException r ? r.code() : Status.fromThrowable(e).getCode();
      if (code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.DEADLINE_EXCEEDED
          || code == Status.Code.CANCELLED) {
        throw e;
      }
      String reason = primary.name() + " failed (" + code + "): " + e.getMessage();
      LOG.log(System.Logger.Level.WARNING, "release " + release.release() + ": " + reason + "; answering with "
          + baseline.name());
      return new Routed(baseline.generate(release, history, n, excluded), baseline.name(), true, reason);
    }
  }
}
