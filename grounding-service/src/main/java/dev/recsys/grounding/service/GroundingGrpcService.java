package dev.recsys.grounding.service;

import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.serving.rpc.RequestParsing;
import dev.recsys.serving.rpc.CallerDeadline;
import dev.recsys.serving.rpc.UnaryCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** gRPC endpoint of {@code recsys.grounding.v1.GroundingService}; runs on worker threads. */
@GrpcService
@Blocking
public class GroundingGrpcService implements GroundingServiceGrpc.AsyncService, io.grpc.BindableService {
  private final GroundingHandler handler;

  public GroundingGrpcService(GroundingHandler handler) {
    this.handler = handler;
  }

  @Override
  public void ground(GroundRequest request, StreamObserver<GroundResponse> responses) {
    UnaryCalls.respond(responses, () -> handler.ground(request));
  }

  /**
   * Bound with {@link RequestParsing#strict} (an undecodable body is INVALID_ARGUMENT, not INTERNAL)
   * and {@link CallerDeadline} (nothing is written to a caller whose deadline has passed).
   */
  @Override
  public io.grpc.ServerServiceDefinition bindService() {
    return RequestParsing.strict(io.grpc.ServerInterceptors.intercept(GroundingServiceGrpc.bindService(this),
        new CallerDeadline()));
  }
}
