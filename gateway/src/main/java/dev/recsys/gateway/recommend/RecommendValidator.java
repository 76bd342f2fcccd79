package dev.recsys.gateway.recommend;

import dev.recsys.common.artifact.Names;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.rpc.RequestException;
import dev.recsys.gateway.GatewayConfig;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Recommend request once, at the public boundary. Every message names the field, the
 * rule and what to send instead.
 */
final class RecommendValidator {
  static final double MAX_GAMMA = 100.0;
  static final int MAX_REQUEST_ID = 128;

  private final GatewayConfig config;

  RecommendValidator(GatewayConfig config) {
    this.config = config;
  }

  /** Checks what needs no catalogue. */
  void validateShape(RecommendRequest req) {
    if (req.getTenant().isEmpty()) {
      throw RequestException.invalid("tenant", "is required (e.g. \"default\")");
    }
    if (!Names.isValidTenant(req.getTenant())) {
      throw RequestException.invalid("tenant", RequestException.quote(req.getTenant())
          + " is not a valid tenant name: use 1-63 lower-case letters, digits or '-'");
    }
    if (req.getHistoryCount() == 0) {
      throw RequestException.invalid("history", "is empty; send at least one item id the user interacted with, "
          + "most recent last");
    }
    if (req.getHistoryCount() > config.maxHistory()) {
      throw RequestException.invalid("history", "has " + req.getHistoryCount() + " items; at most "
          + config.maxHistory() + " are allowed (only the most recent 10 are used: send the tail)");
    }
    if (req.getK() < 1 || req.getK() > config.maxK()) {
      throw RequestException.invalid("k", "must be in 1.." + config.maxK() + ", got " + req.getK());
    }
    if (req.hasNumCandidates() && (req.getNumCandidates() < 1 || req.getNumCandidates() > config.maxNumCandidates())) {
      throw RequestException.invalid("num_candidates", "must be in 1.." + config.maxNumCandidates() + ", got "
          + req.getNumCandidates() + " (leave it unset for the release's serving pipeline to decide)");
    }
    if (req.hasPopularityWeight() && !(req.getPopularityWeight() >= 0 && req.getPopularityWeight() <= MAX_GAMMA)) {
      throw RequestException.invalid("popularity_weight", "must be in [0, " + MAX_GAMMA + "], got "
          + req.getPopularityWeight() + " (leave it unset for the release's tuned value)");
    }
    if (req.getRequestId().length() > MAX_REQUEST_ID) {
      throw RequestException.invalid("request_id", "has " + req.getRequestId().length() + " characters; at most "
          + MAX_REQUEST_ID + " are allowed");
    }
  }

  /** Checks that every history id exists in the tenant's catalogue. */
  void validateItems(RecommendRequest req, Catalogue catalogue) {
    List<String> unknown = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < req.getHistoryCount(); i++) {
      if (!catalogue.contains(req.getHistory(i))) {
        unknown.add(req.getHistory(i));
        positions.add(i);
      }
    }
    if (!unknown.isEmpty()) {
      int shown = Math.min(5, unknown.size());
      throw RequestException.invalid("history", unknown.size() + " unknown item id(s) for tenant '" + req.getTenant()
          + "': " + String.join(", ", unknown.subList(0, shown).stream().map(RequestException::quote).toList())
          + (unknown.size() > shown ? ", ..." : "") + " at position(s) " + positions.subList(0, shown)
          + "; remove them or send ids from the tenant's catalogue");
    }
  }
}
