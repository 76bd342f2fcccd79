package dev.recsys.generator.service;

import dev.recsys.common.artifact.Names;
import dev.recsys.common.rpc.RequestException;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratedText;
import dev.recsys.proto.generator.v1.HistoryItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Validates a Generate request and runs it on the configured backend. */
@ApplicationScoped
public class GenerateHandler {
  private final GeneratorRuntime runtime;
  private final GeneratorConfig config;

  public GenerateHandler(GeneratorRuntime runtime, GeneratorConfig config) {
    this.runtime = runtime;
    this.config = config;
  }

  public GenerateResponse generate(GenerateRequest req) {
    validate(req);
    GenerationBackend backend = runtime.backend();
    List<String> history = req.getHistoryList().stream().map(HistoryItem::getItemId).toList();
    GenerationBackend.Generation g = backend.generate(req.getTenant(), history, req.getNumCandidates());
    if (!req.getRelease().isEmpty() && !req.getRelease().equals(g.modelVersion())) {
      throw RequestException.notFound("release '" + req.getRelease() + "' is not loaded for tenant '"
          + req.getTenant() + "' (serving '" + g.modelVersion() + "')");
    }
    GenerateResponse.Builder out = GenerateResponse.newBuilder().setBackend(backend.name())
        .setModelVersion(g.modelVersion());
    for (GenerationBackend.Candidate c : g.texts()) {
      out.addTexts(GeneratedText.newBuilder().setText(c.text()).setScore(c.score()));
    }
    return out.build();
  }

  private void validate(GenerateRequest req) {
    if (!Names.isValidTenant(req.getTenant())) {
      throw RequestException.invalid("tenant", "'" + req.getTenant()
          + "' is not a valid tenant name (1-63 lower-case letters, digits or '-')");
    }
    if (req.getHistoryCount() == 0) {
      throw RequestException.invalid("history", "at least one item is required");
    }
    if (req.getHistoryCount() > config.maxHistory()) {
      throw RequestException.invalid("history", req.getHistoryCount() + " items given; at most "
          + config.maxHistory() + " are allowed");
    }
    for (int i = 0; i < req.getHistoryCount(); i++) {
      if (req.getHistory(i).getItemId().isEmpty()) {
        throw RequestException.invalid("history[" + i + "].item_id", "must not be empty");
      }
    }
    if (req.getNumCandidates() < 1 || req.getNumCandidates() > config.maxCandidates()) {
      throw RequestException.invalid("num_candidates", "must be in 1.." + config.maxCandidates() + ", got "
          + req.getNumCandidates());
    }
  }
}
