package dev.recsys.gateway.recommend;

import dev.recsys.common.rpc.RequestParsing;
import dev.recsys.common.rpc.UnaryCalls;
import dev.recsys.gateway.GatewayConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** gRPC endpoint of the public {@code recsys.recommend.v1.RecommendService}. */
@GrpcService
@Blocking
public class RecommendGrpcService implements RecommendServiceGrpc.AsyncService, io.grpc.BindableService {
  private final RecommendHandler handler;
  private final AdmissionControl admission;

  public RecommendGrpcService(RecommendHandler handler, GatewayConfig config, MeterRegistry registry) {
    this.handler = handler;
    this.admission = new AdmissionControl(config.maxInFlight());
    Gauge.builder("recsys.gateway.inflight", admission, AdmissionControl::inFlight)
        .description("Recommend calls in flight").register(registry);
  }

  @Override
  public void recommend(RecommendRequest request, StreamObserver<RecommendResponse> responses) {
    UnaryCalls.respond(responses, () -> admission.run(() -> handler.recommend(request)));
  }

  /** Bound with {@link RequestParsing#strict}: an undecodable body is INVALID_ARGUMENT, not INTERNAL. */
  @Override
  public io.grpc.ServerServiceDefinition bindService() {
    return RequestParsing.strict(RecommendServiceGrpc.bindService(this));
  }
}
