package dev.recsys.generator.backend;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.ReleaseLayout;
import java.util.List;

/**
 * Proposes texts for the item a user should see next, with the models of one release (the
 * request's release is resolved before a backend is called, so a backend never mixes releases).
 * Implementations: the fine-tuned LLM in-process ({@code InProcessLlmBackend}) or on Triton
 * ({@code TritonLlmBackend}), and the collaborative {@code TransitionBaselineBackend} (always
 * available; the degraded-mode fallback). A backend prepares what it needs of each release that
 * carries an LLM itself ({@link #prepare}), so adding one is a package and a configuration value.
 */
public interface GenerationBackend {
  /** Name reported in responses, e.g. {@code transition-baseline}. */
  String name();

  /**
   * Prepares what this backend needs to serve a release that carries an LLM, off the request path
   * (the loader calls it once per release; the state is closed when the release is replaced).
   *
   * @param models what every backend reads of the release (its state still null)
   * @return the state {@link #generate} finds in {@code release.value()}, or null when there is nothing
   *     to prepare (the pipeline generates no text, or the model runs elsewhere)
   * @throws dev.recsys.common.artifact.ArtifactException naming the file when this backend cannot serve
   *     the release; it is refused and the previous release keeps serving
   */
  default BackendState prepare(String tenant, ReleaseLayout release, GeneratorModels models) {
    return null;
  }

  /**
   * @param release the release whose models serve the request
   * @param history the user's history, oldest first (ids already validated)
   * @param n       number of texts wanted, >= 1
   * @param excluded item ids that must not be proposed (the history, when the caller excludes seen
   *                items); honoured by constrained decoding, a hint for the other backends
   * @return up to {@code n} texts, most likely first
   * @throws dev.recsys.serving.rpc.RequestException UNAVAILABLE when the model cannot serve,
   *     RESOURCE_EXHAUSTED when the queue is full, DEADLINE_EXCEEDED past the caller's deadline
   */
  List<Candidate> generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n,
      java.util.Set<String> excluded);

  /** A history item: its catalogue id and title. */
  record HistoryEntry(String itemId, String title) {
    /** The titles of the last {@code window} items, oldest first: what an LLM prompt lists. */
    public static List<String> recentTitles(List<HistoryEntry> history, int window) {
      return history.subList(Math.max(0, history.size() - window), history.size()).stream()
          .map(HistoryEntry::title).toList();
    }
  }

  /** A text and its backend score (higher = more likely). */
  record Candidate(String text, double score) {}
}
