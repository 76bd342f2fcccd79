package dev.recsys.generator.service;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.Names;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.tracing.Spans;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.backend.GeneratorModels;
import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratedText;
import dev.recsys.proto.generator.v1.HistoryItem;
import dev.recsys.serving.limits.Limits;
import dev.recsys.serving.limits.RequestLimits;
import dev.recsys.serving.release.ReleaseResolver;
import dev.recsys.serving.rpc.RequestException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates a Generate request, resolves the release that serves it (current, or the pinned one)
 * and runs it through the {@link BackendRouter}.
 */
@ApplicationScoped
public class GenerateHandler {
  private final GeneratorRuntime runtime;
  /** The global request limits (recsys.limits.*, the keys the gateway reads too). */
  private final Limits limits;

  private final Tracer tracer;

  public GenerateHandler(GeneratorRuntime runtime, RequestLimits limits, Tracer tracer) {
    this.limits = Limits.global(limits);
    this.runtime = runtime;
    this.tracer = tracer;
  }

  public GenerateResponse generate(GenerateRequest req) {
    validate(req);
    LoadedRelease<GeneratorModels> release = ReleaseResolver.resolve(runtime.releases(), req.getTenant(),
        req.getRelease(), "generator model");
    List<GenerationBackend.HistoryEntry> history = history(req, release.value().baseline().catalogue());
    Span.current().setAttribute("recsys.tenant", req.getTenant()).setAttribute("recsys.release", release.release())
        .setAttribute("recsys.candidates", req.getNumCandidates());
    int n = req.getNumCandidates() > 0 ? req.getNumCandidates() : release.value().pipeline().generation().texts();
    Set<String> excluded = Set.copyOf(req.getExcludeItemIdsList());
    Span span = tracer.spanBuilder("generate").setAttribute("recsys.release", release.release())
        .setAttribute("recsys.candidates", n).setAttribute("recsys.pipeline", release.value().pipeline().name())
        .setAttribute("recsys.constrained", release.value().constrained()).startSpan();
    BackendRouter.Routed r = Spans.in(span, () -> {
      BackendRouter.Routed routed = runtime.router().generate(release, history, n, excluded);
      span.setAttribute("recsys.backend", routed.backend()).setAttribute("recsys.degraded", routed.degraded())
          .setAttribute("recsys.texts", routed.texts().size());
      return routed;
    });
    GenerateResponse.Builder out = GenerateResponse.newBuilder().setBackend(r.backend())
        .setModelVersion(release.release()).setDegraded(r.degraded()).setDegradedReason(r.reason());
    for (GenerationBackend.Candidate c : r.texts()) {
      out.addTexts(GeneratedText.newBuilder().setText(c.text()).setScore(c.score()));
    }
    return out.build();
  }

  /** History with titles: as sent, or looked up in the release's catalogue when a caller sent ids only. */
  private static List<GenerationBackend.HistoryEntry> history(GenerateRequest req, Catalogue catalogue) {
    List<GenerationBackend.HistoryEntry> out = new ArrayList<>(req.getHistoryCount());
    for (int i = 0; i < req.getHistoryCount(); i++) {
      HistoryItem h = req.getHistory(i);
      String title = h.getTitle();
      if (title.isEmpty()) {
        final int pos = i;
        title = catalogue.find(h.getItemId()).map(Item::title).orElseThrow(() -> RequestException.invalid(
            "history[" + pos + "].item_id", RequestException.quote(h.getItemId())
                + " is not in the catalogue of this release"));
      }
      out.add(new GenerationBackend.HistoryEntry(h.getItemId(), title));
    }
    return out;
  }

  private void validate(GenerateRequest req) {
    if (!Names.isValidTenant(req.getTenant())) {
      throw RequestException.invalid("tenant", RequestException.quote(req.getTenant())
          + " is not a valid tenant name (1-63 lower-case letters, digits or '-')");
    }
    if (req.getHistoryCount() == 0) {
      throw RequestException.invalid("history", "at least one item is required");
    }
    if (req.getHistoryCount() > limits.maxHistory()) {
      throw RequestException.invalid("history", req.getHistoryCount() + " items given; at most "
          + limits.maxHistory() + " are allowed");
    }
    for (int i = 0; i < req.getHistoryCount(); i++) {
      HistoryItem h = req.getHistory(i);
      if (h.getItemId().isEmpty()) {
        throw RequestException.invalid("history[" + i + "].item_id", "must not be empty");
      }
      if (h.getItemId().length() > limits.maxTitleLength()) {
        throw RequestException.invalid("history[" + i + "].item_id", "has " + h.getItemId().length()
            + " characters; at most " + limits.maxTitleLength() + " are allowed");
      }
      if (h.getTitle().length() > limits.maxTitleLength()) {
        throw RequestException.invalid("history[" + i + "].title", "has " + h.getTitle().length()
            + " characters; at most " + limits.maxTitleLength() + " are allowed (or leave it empty: the "
            + "release's catalogue has it)");
      }
    }
    if (req.getNumCandidates() < 0 || req.getNumCandidates() > limits.maxCandidates()) {
      throw RequestException.invalid("num_candidates", "must be in 1.." + limits.maxCandidates()
          + " (or 0 for the release's own number), got " + req.getNumCandidates());
    }
    if (req.getExcludeItemIdsCount() > limits.maxHistory()) {
      throw RequestException.invalid("exclude_item_ids", req.getExcludeItemIdsCount() + " items given; at most "
          + limits.maxHistory() + " are allowed");
    }
  }
}
