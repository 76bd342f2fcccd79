package dev.recsys.gateway.recommend;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.gateway.catalog.CatalogueRegistry;
import dev.recsys.gateway.stages.Generated;
import dev.recsys.gateway.stages.GeneratorStage;
import dev.recsys.gateway.stages.Grounded;
import dev.recsys.gateway.stages.GroundingStage;
import dev.recsys.gateway.stages.StageException;
import dev.recsys.gateway.tenancy.TenantPolicy;
import dev.recsys.proto.generator.v1.HistoryItem;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendedItem;
import dev.recsys.proto.recommend.v1.ServedBy;
import dev.recsys.serving.rpc.RequestException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The Recommend path:
 * <ol>
 *   <li>validate the request; resolve the tenant's catalogue (unknown tenant: NOT_FOUND);</li>
 *   <li>generate texts from the last 10 history items (fallback: no texts, so that grounding ranks by the
 *       release's collaborative signal alone);</li>
 *   <li>ground them to catalogue items, excluding the history if asked (fallback: popularity),
 *       pinned to the release that generated them, so that one request never mixes an adapter
 *       with another release's snapshot. During a rollout the generator may already serve a
 *       release the grounding service has not loaded yet: then the request is generated again,
 *       pinned to the grounding service's current release (both keep the previous one loaded);</li>
 *   <li>answer with ranks, the versions that served, and whether a fallback was used.</li>
 * </ol>
 */
@ApplicationScoped
public class RecommendHandler {
  static final int GENERATOR_WINDOW = 10;

  private final CatalogueRegistry catalogues;
  private final GeneratorStage generator;
  private final GroundingStage grounding;
  private final TenantPolicy policy;

  /** Answers that used a fallback because that stage could not serve (recsys_gateway_degraded_total). */
  private final Counter generatorDegraded;
  private final Counter groundingDegraded;

  public RecommendHandler(CatalogueRegistry catalogues, GeneratorStage generator, GroundingStage grounding,
      TenantPolicy policy, MeterRegistry registry) {
    this.generatorDegraded = registry.counter("recsys.gateway.degraded", "stage", "generator");
    this.groundingDegraded = registry.counter("recsys.gateway.degraded", "stage", "grounding");
    this.catalogues = catalogues;
    this.generator = generator;
    this.grounding = grounding;
    this.policy = policy;
  }

  public RecommendResponse recommend(RecommendRequest req) {
    RecommendValidator.validateShape(req, policy.limits(req.getTenant()));
    LoadedRelease<Catalogue> release = catalogues.current(req.getTenant()).orElseThrow(() -> catalogues.loadedAny()
        ? RequestException.notFound("tenant '" + req.getTenant() + "' is unknown: no release is published for it")
        : RequestException.unavailable("the gateway has not loaded any catalogue yet; retry shortly"));
    Catalogue catalogue = release.value();
    RecommendValidator.validateItems(req, catalogue);

    List<HistoryItem> recent = new ArrayList<>();
    for (int i = Math.max(0, req.getHistoryCount() - GENERATOR_WINDOW); i < req.getHistoryCount(); i++) {
      String id = req.getHistory(i);
      recent.add(HistoryItem.newBuilder().setItemId(id).setTitle(catalogue.find(id).orElseThrow().title()).build());
    }
    int n = req.hasNumCandidates() ? req.getNumCandidates() : 0; // 0: the release's serving pipeline decides
    boolean excludeSeen = !req.hasExcludeSeen() || req.getExcludeSeen();
    List<String> excluded = excludeSeen ? List.copyOf(new LinkedHashSet<>(req.getHistoryList())) : List.of();
    OptionalDouble gamma = req.hasPopularityWeight() ? OptionalDouble.of(req.getPopularityWeight()) : OptionalDouble.empty();

    Generated generated = generator.generate(req.getTenant(), recent, n, "", excluded);
    Grounded grounded;
    try {
      grounded = ground(req, generated, excluded, gamma);
    } catch (StageException.ReleaseNotLoaded behind) {
      if (behind.loaded().isEmpty()) {
        throw rolloutInProgress(behind);
      }
      try {
        generated = generator.generate(req.getTenant(), recent, n, behind.loaded().get(0), excluded);
        grounded = ground(req, generated, excluded, gamma);
      } catch (StageException.ReleaseNotLoaded stillBehind) {
        throw rolloutInProgress(stillBehind);
      }
    }

    Span.current().setAttribute("recsys.tenant", req.getTenant()).setAttribute("recsys.k", req.getK())
        .setAttribute("recsys.candidates", n).setAttribute("recsys.release", generated.modelVersion())
        .setAttribute("recsys.snapshot", grounded.snapshotVersion()).setAttribute("recsys.generator", generated.backend());
    if (!req.getRequestId().isEmpty()) {
      Span.current().setAttribute("recsys.request_id", req.getRequestId());
    }
    RecommendResponse.Builder out = RecommendResponse.newBuilder()
        .addAllGeneratedTexts(generated.texts())
        .setServedBy(ServedBy.newBuilder().setGeneratorBackend(generated.backend())
            .setAdapterVersion(generated.modelVersion()).setSnapshotVersion(grounded.snapshotVersion())
            .setEncoder(grounded.encoder()).setPipeline(grounded.pipeline()));
    int rank = 1;
    for (Grounded.Item item : grounded.items()) {
      out.addItems(RecommendedItem.newBuilder().setItemId(item.itemId()).setTitle(item.title()).setScore(item.score())
          .setRank(rank++));
    }
    String reason = String.join("; ", java.util.stream.Stream.of(generated.degradedReason(), grounded.degradedReason())
        .filter(s -> !s.isEmpty()).toList());
    if (!generated.degradedReason().isEmpty()) {
      generatorDegraded.increment();
    }
    if (!grounded.degradedReason().isEmpty()) {
      groundingDegraded.increment();
    }
    return out.setDegraded(!reason.isEmpty()).setDegradedReason(reason).build();
  }

  /** The stages hold no release in common (one re-pin did not help): retryable, the rollout ends soon. */
  private static RequestException rolloutInProgress(StageException.ReleaseNotLoaded cause) {
    return RequestException.unavailable("a release rollout is in progress and the stages hold no release in common yet ("
        + cause.getMessage() + "); retry shortly");
  }

  /**
   * Grounds the generated texts in the release that generated them; with none (a pipeline without
   * the LLM, or a generator that could not answer) grounding ranks by the release's signal alone.
   */
  private Grounded ground(RecommendRequest req, Generated generated, List<String> excluded,
      OptionalDouble gamma) {
    return grounding.ground(req.getTenant(), generated.texts(), req.getK(), excluded, gamma, generated.modelVersion(),
        req.getHistoryList());
  }
}
