package dev.recsys.gateway.recommend;

import dev.recsys.common.artifact.Names;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.serving.limits.Limits;
import dev.recsys.serving.rpc.RequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Recommend request once, at the public boundary, against the limits of its tenant
 * (from the {@link dev.recsys.gateway.tenancy.TenantPolicy}). Every message names the field, the
 * rule and what to send instead.
 */
final class RecommendValidator {
  static final int MAX_REQUEST_ID = 128;

  private RecommendValidator() {}

  /** Checks what needs no catalogue. */
  static void validateShape(RecommendRequest req, Limits limits) {
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
    if (req.getHistoryCount() > limits.maxHistory()) {
      throw RequestException.invalid("history", "has " + req.getHistoryCount() + " items; at most "
          + limits.maxHistory() + " are allowed (only the most recent 10 are used: send the tail)");
    }
    if (req.getK() < 1 || req.getK() > limits.maxK()) {
      throw RequestException.invalid("k", "must be in 1.." + limits.maxK() + ", got " + req.getK());
    }
    if (req.hasNumCandidates() && (req.getNumCandidates() < 1 || req.getNumCandidates() > limits.maxCandidates())) {
      throw RequestException.invalid("num_candidates", "must be in 1.." + limits.maxCandidates() + ", got "
          + req.getNumCandidates() + " (leave it unset for the release's serving pipeline to decide)");
    }
    if (req.hasPopularityWeight() && !(req.getPopularityWeight() >= 0
        && req.getPopularityWeight() <= limits.maxPopularityWeight())) {
      throw RequestException.invalid("popularity_weight", "must be in [0, " + limits.maxPopularityWeight() + "], got "
          + req.getPopularityWeight() + " (leave it unset for the release's tuned value)");
    }
    if (req.getRequestId().length() > MAX_REQUEST_ID) {
      throw RequestException.invalid("request_id", "has " + req.getRequestId().length() + " characters; at most "
          + MAX_REQUEST_ID + " are allowed");
    }
  }

  /** Checks that every history id exists in the tenant's catalogue. */
  static void validateItems(RecommendRequest req, Catalogue catalogue) {
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
