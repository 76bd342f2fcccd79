package dev.recsys.gateway.recommend;

import dev.recsys.gateway.GatewayConfig;
import dev.recsys.gateway.catalog.CatalogueRegistry;
import dev.recsys.gateway.tenancy.TenantPolicy;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.serving.rpc.RequestParsing;
import dev.recsys.serving.rpc.CallerDeadline;
import dev.recsys.serving.rpc.UnaryCalls;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** gRPC endpoint of the public {@code recsys.recommend.v1.RecommendService}. */
@GrpcService
@Blocking
public class RecommendGrpcService implements RecommendServiceGrpc.AsyncService, io.grpc.BindableService {
  private final RecommendHandler handler;
  private final AdmissionControl admission;
  private final RecommendAccess access;

  public RecommendGrpcService(RecommendHandler handler, GatewayConfig config, MeterRegistry registry,
      TenantPolicy policy, CatalogueRegistry catalogues) {
    this.handler = handler;
    this.access = new RecommendAccess(policy, catalogues);
    this.admission = new AdmissionControl(config.maxInFlight());
    Gauge.builder("recsys.gateway.inflight", admission, AdmissionControl::inFlight)
        .description("Recommend calls in flight").register(registry);
  }

  @Override
  public void recommend(RecommendRequest request, StreamObserver<RecommendResponse> responses) {
    UnaryCalls.respond(responses, () -> admission.run(() -> handler.recommend(request)));
  }

  /**
   * Behind {@link RecommendAccess} (authentication, grants, quotas: it sees the decoded request),
   * bound with {@link RequestParsing#strict} (an undecodable body is INVALID_ARGUMENT, not INTERNAL) and
   * {@link CallerDeadline} (nothing is written to a caller whose deadline has passed).
   */
  @Override
  public io.grpc.ServerServiceDefinition bindService() {
    return RequestParsing.strict(ServerInterceptors.intercept(RecommendServiceGrpc.bindService(this), access,
        new CallerDeadline()));
  }
}
