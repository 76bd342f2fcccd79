package dev.recsys.grounding.service;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.Names;
import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundedItem;
import dev.recsys.ranking.grounding.GroundedCandidate;
import dev.recsys.ranking.grounding.Grounder;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import dev.recsys.serving.limits.Limits;
import dev.recsys.serving.limits.RequestLimits;
import dev.recsys.serving.release.ReleaseResolver;
import dev.recsys.serving.rpc.RequestException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates a Ground request, grounds it on the tenant's release (current, or the pinned one) with
 * that release's serving pipeline, builds the response.
 */
@ApplicationScoped
public class GroundingHandler {
  private final GroundingRuntime runtime;
  /** The global request limits (recsys.limits.*, the keys the gateway reads too). */
  private final Limits limits;
  private final Grounder grounder;

  public GroundingHandler(GroundingRuntime runtime, RequestLimits limits, Tracer tracer) {
    this.limits = Limits.global(limits);
    this.runtime = runtime;
    this.grounder = new Grounder(tracer);
  }

  public GroundResponse ground(GroundRequest req) {
    validate(req);
    LoadedRelease<GroundingSnapshot> release = ReleaseResolver.resolve(runtime.releases(), req.getTenant(),
        req.getRelease(), "embedding snapshot");
    GroundingSnapshot snapshot = release.value();
    // no texts for a pipeline that grounds them (the generator could not answer): its signal alone
    ServingPipeline pipeline = req.getTextsCount() == 0 ? ServingPipeline.withoutTexts(snapshot.pipeline())
        : snapshot.pipeline();
    Span.current().setAttribute("recsys.tenant", req.getTenant()).setAttribute("recsys.release", release.release())
        .setAttribute("recsys.k", req.getK()).setAttribute("recsys.texts", req.getTextsCount())
        .setAttribute("recsys.pipeline", pipeline.name());
    Set<Integer> excluded = new HashSet<>();
    for (String id : req.getExcludeItemIdsList()) {
      int row = snapshot.catalogue().indexOf(id);
      if (row >= 0) {
        excluded.add(row);
      }
    }
    int[] history = req.getHistoryItemIdsList().stream().mapToInt(snapshot.catalogue()::indexOf).filter(r -> r >= 0)
        .toArray();
    ServingPipeline.Grounding params = req.hasPopularityWeight()
        ? pipeline.grounding().withGamma(req.getPopularityWeight()) : pipeline.grounding();
    List<GroundedCandidate> ranked = grounder.ground(snapshot,
        new Grounder.Request(req.getTextsList(), history, excluded, req.getK(), params));
    GroundResponse.Builder out = GroundResponse.newBuilder()
        .setSnapshotVersion(release.release())
        .setEncoder(snapshot.encoder().id())
        .setPipeline(pipeline.name());
    for (GroundedCandidate c : ranked) {
      var item = snapshot.catalogue().get(c.row());
      out.addItems(GroundedItem.newBuilder().setItemId(item.id()).setTitle(item.title()).setScore(c.score())
          .setSourceText(c.sourceText()));
    }
    return out.build();
  }

  private void validate(GroundRequest req) {
    if (!Names.isValidTenant(req.getTenant())) {
      throw RequestException.invalid("tenant", RequestException.quote(req.getTenant())
          + " is not a valid tenant name (1-63 lower-case letters, digits or '-')");
    }
    if (req.getTextsCount() > limits.maxCandidates()) {
      throw RequestException.invalid("texts", req.getTextsCount() + " texts given; at most " + limits.maxCandidates()
          + " are allowed");
    }
    for (int i = 0; i < req.getTextsCount(); i++) {
      String t = req.getTexts(i);
      if (t.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        throw RequestException.invalid("texts[" + i + "]", "must not be empty (it has no visible character)");
      }
      if (t.length() > limits.maxTextLength()) {
        throw RequestException.invalid("texts[" + i + "]", "has " + t.length() + " characters; at most "
            + limits.maxTextLength() + " are allowed");
      }
    }
    if (req.getK() < 1 || req.getK() > limits.maxK()) {
      throw RequestException.invalid("k", "must be in 1.." + limits.maxK() + ", got " + req.getK());
    }
    if (req.getHistoryItemIdsCount() > limits.maxHistory()) {
      throw RequestException.invalid("history_item_ids", req.getHistoryItemIdsCount() + " items given; at most "
          + limits.maxHistory() + " are allowed");
    }
    if (req.hasPopularityWeight()
        && !(req.getPopularityWeight() >= 0 && req.getPopularityWeight() <= limits.maxPopularityWeight())) {
      throw RequestException.invalid("popularity_weight", "must be in [0, " + limits.maxPopularityWeight() + "], got "
          + req.getPopularityWeight());
    }
  }
}
