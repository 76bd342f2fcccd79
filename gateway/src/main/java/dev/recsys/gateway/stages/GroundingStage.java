package dev.recsys.gateway.stages;

import dev.recsys.gateway.GatewayConfig;
import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * Calls the grounding service with a per-call deadline; retries UNAVAILABLE twice with jittered
 * backoff; if it still fails, {@link #popularInstead} serves the most popular unseen items ({@link PopularItems}).
 * A request pinned to a release the grounding service has not loaded raises
 * {@link StageException.ReleaseNotLoaded}.
 */
@ApplicationScoped
public class GroundingStage {
  private final GroundingServiceGrpc.GroundingServiceBlockingStub stub;
  private final GatewayConfig config;
  private final PopularItems popular;

  public GroundingStage(GatewayConfig config, PopularItems popular, StageChannels channels) {
    this.config = config;
    this.popular = popular;
    this.stub = GroundingServiceGrpc.newBlockingStub(channels.grounding());
  }

  @Retry(maxRetries = 2, delay = 25, jitter = 20, retryOn = StageException.Retryable.class)
  @Fallback(fallbackMethod = "popularInstead", applyOn = StageException.class)
  public Grounded ground(String tenant, List<String> texts, int k, Collection<String> excluded, OptionalDouble gamma,
      String release, List<String> history) {
    GroundRequest.Builder req = GroundRequest.newBuilder().setTenant(tenant).addAllTexts(texts).setK(k)
        .addAllExcludeItemIds(excluded).setRelease(release).addAllHistoryItemIds(history);
    gamma.ifPresent(req::setPopularityWeight);
    GroundResponse resp;
    try {
      resp = stub.withDeadlineAfter(config.groundingDeadline().toMillis(), TimeUnit.MILLISECONDS)
          .withInterceptors(TenantHeader.of(tenant))
          .ground(req.build());
    } catch (StatusRuntimeException e) {
      throw StageException.failure("grounding", e);
    }
    return new Grounded(resp.getItemsList().stream()
        .map(i -> new Grounded.Item(i.getItemId(), i.getTitle(), i.getScore())).toList(),
        resp.getSnapshotVersion(), resp.getEncoder(), resp.getPipeline(), "");
  }

  /** {@link #ground}'s fallback (SmallRye Fault Tolerance: the same parameters, then the failure). */
  Grounded popularInstead(String tenant, List<String> texts, int k, Collection<String> excluded, OptionalDouble gamma,
      String release, List<String> history, StageException failure) {
    return popular.instead(tenant, k, excluded, failure);
  }
}
