package dev.recsys.gateway.recommend;

import dev.recsys.common.rpc.UnaryCalls;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** gRPC endpoint of the public {@code recsys.recommend.v1.RecommendService}. */
@GrpcService
@Blocking
public class RecommendGrpcService extends RecommendServiceGrpc.RecommendServiceImplBase {
  private final RecommendHandler handler;

  public RecommendGrpcService(RecommendHandler handler) {
    this.handler = handler;
  }

  @Override
  public void recommend(RecommendRequest request, StreamObserver<RecommendResponse> responses) {
    UnaryCalls.respond(responses, () -> handler.recommend(request));
  }
}
