package dev.recsys.gateway.inprocess;

import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratedText;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundResponse;
import dev.recsys.proto.grounding.v1.GroundedItem;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.serving.rpc.RequestException;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A test double of the generator and grounding services for the gateway's in-process tests: real
 * gRPC servers (so the gateway's channels, deadlines, retries and fallbacks run as in production)
 * whose answers each test scripts, and which record every request they get. The real services are
 * tested by their own tests and the end-to-end tests.
 */
public final class FakeStages implements AutoCloseable {
  /** The release both stages serve unless a test says otherwise, and the one before it. */
  static final String CURRENT = "r-new";
  static final String PREVIOUS = "r-old";

  final List<GenerateRequest> generateCalls = new CopyOnWriteArrayList<>();
  final List<GroundRequest> groundCalls = new CopyOnWriteArrayList<>();
  volatile Function<GenerateRequest, GenerateResponse> generator;
  volatile Function<GroundRequest, GroundResponse> grounding;

  private final Server generatorServer;
  private final Server groundingServer;

  FakeStages() throws IOException {
    reset();
    generatorServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new GeneratorServiceGrpc.GeneratorServiceImplBase() {
          @Override
          public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
            generateCalls.add(request);
            answer(out, () -> generator.apply(request));
          }
        }).build().start();
    groundingServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new GroundingServiceGrpc.GroundingServiceImplBase() {
          @Override
          public void ground(GroundRequest request, StreamObserver<GroundResponse> out) {
            groundCalls.add(request);
            answer(out, () -> grounding.apply(request));
          }
        }).build().start();
  }

  int generatorPort() {
    return generatorServer.getPort();
  }

  int groundingPort() {
    return groundingServer.getPort();
  }

  /** Both stages answer for the release asked (the current one, {@code current}, when none is). */
  void reset() {
    generateCalls.clear();
    groundCalls.clear();
    generator = r -> generated(r.getRelease().isEmpty() ? CURRENT : r.getRelease(), "Gamma (1999)");
    grounding = r -> grounded(r.getRelease().isEmpty() ? CURRENT : r.getRelease(), "i3", "i4");
  }

  static GenerateResponse generated(String release, String... texts) {
    GenerateResponse.Builder b = GenerateResponse.newBuilder().setBackend("llm-in-process").setModelVersion(release);
    for (String t : texts) {
      b.addTexts(GeneratedText.newBuilder().setText(t));
    }
    return b.build();
  }

  static GroundResponse grounded(String release, String... itemIds) {
    GroundResponse.Builder b = GroundResponse.newBuilder().setSnapshotVersion(release).setEncoder("enc")
        .setPipeline("bigrec+sasrec");
    double score = 0.1;
    for (String id : itemIds) {
      b.addItems(GroundedItem.newBuilder().setItemId(id).setTitle("title of " + id).setScore(score));
      score += 0.1;
    }
    return b.build();
  }

  /** What a stage answers for a pinned release it has not loaded: FAILED_PRECONDITION naming the loaded ones. */
  static StatusRuntimeException notLoaded(String release, String... loaded) {
    Metadata trailers = new Metadata();
    trailers.put(RequestException.LOADED_RELEASES, String.join(",", loaded));
    return Status.FAILED_PRECONDITION.withDescription("release " + release + " is not loaded")
        .asRuntimeException(trailers);
  }

  private static <T> void answer(StreamObserver<T> out, java.util.function.Supplier<T> response) {
    T value;
    try {
      value = response.get();
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    out.onNext(value);
    out.onCompleted();
  }

  @Override
  public void close() {
    generatorServer.shutdownNow();
    groundingServer.shutdownNow();
  }
}
