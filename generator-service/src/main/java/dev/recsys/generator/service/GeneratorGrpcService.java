package dev.recsys.generator.service;

import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.serving.rpc.RequestParsing;
import dev.recsys.serving.rpc.CallerDeadline;
import dev.recsys.serving.rpc.UnaryCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** gRPC endpoint of {@code recsys.generator.v1.GeneratorService}; runs on worker threads. */
@GrpcService
@Blocking
public class GeneratorGrpcService implements GeneratorServiceGrpc.AsyncService, io.grpc.BindableService {
  private final GenerateHandler handler;

  public GeneratorGrpcService(GenerateHandler handler) {
    this.handler = handler;
  }

  @Override
  public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
    UnaryCalls.respond(responses, () -> handler.generate(request));
  }

  /**
   * Bound with {@link RequestParsing#strict} (an undecodable body is INVALID_ARGUMENT, not INTERNAL)
   * and {@link CallerDeadline} (nothing is written to a caller whose deadline has passed).
   */
  @Override
  public io.grpc.ServerServiceDefinition bindService() {
    return RequestParsing.strict(io.grpc.ServerInterceptors.intercept(GeneratorServiceGrpc.bindService(this),
        new CallerDeadline()));
  }
}
