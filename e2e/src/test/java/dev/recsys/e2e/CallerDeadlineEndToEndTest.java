package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.recsys.cli.dev.DevCertificates;
import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GenerateResponse;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller that gives up before the gateway answers must cost nobody else anything. Here the
 * generator stage is a test double that never answers (a gRPC server with the generator's
 * certificate whose Generate never completes), so every Recommend waits for the gateway's generator
 * deadline (2 s) and is then answered from the history fallback.
 * One caller gives up after 0.5 s; another, on the same HTTP/2 connection, waits. The gateway's late
 * answer to the first must not be written to its reset stream: Netty treats headers on a stream id
 * it no longer knows as a protocol error and closes the whole connection (GOAWAY PROTOCOL_ERROR),
 * which failed the patient caller's call UNAVAILABLE (found by the 135M load test, loadtest/README.md).
 * And the gateway stops working for a caller that is gone: its stage call ends with the caller's deadline.
 */
class CallerDeadlineEndToEndTest {
  @TempDir Path dir;

  @Test
  void aCallerThatGivesUp_costsTheOtherCallsOnItsConnectionNothing() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    RecommendRequest req = RecommendRequest.newBuilder().setTenant("default")
        .addAllHistory(splits.test().get(0).history()).setK(10).build();
    ExecutorService callers = Executors.newCachedThreadPool();
    java.util.Queue<Long> cancelled = new java.util.concurrent.ConcurrentLinkedQueue<>();
    int port = Ports.free();
    Path store = dir.resolve("store");
    DevCertificates certs = LocalStack.certificates(store);
    Server silent = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .sslContext(GrpcSslContexts.forServer(certs.cert("generator").toFile(), certs.key("generator").toFile())
            .trustManager(certs.clientsCa().toFile()).clientAuth(ClientAuth.REQUIRE).build())
        .addService(new GeneratorServiceGrpc.GeneratorServiceImplBase() {
          @Override
          public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
            // never answers: a deadline ends the call; when, is noted
            ((ServerCallStreamObserver<GenerateResponse>) responses).setOnCancelHandler(
                () -> cancelled.add(System.nanoTime()));
          }
        }).build().start();
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> r.publish("default", d, splits, 0.0),
             s -> s.set("gateway", "recsys.gateway.stages.generator.port=" + port,
                 "recsys.gateway.generator-deadline=2s"))) {
      for (int round = 0; round < 2; round++) {
        Future<RecommendResponse> patient = callers.submit(() -> {
          Thread.sleep(300); // asks after the impatient one: its answer comes after that one's late answer
          return fx.recommend(req);
        });
        cancelled.clear();
        long asked = System.nanoTime();
        assertThatThrownBy(() -> RecommendServiceGrpc.newBlockingStub(fx.channel)
            .withDeadlineAfter(500, TimeUnit.MILLISECONDS).recommend(req))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        RecommendResponse r = patient.get(30, TimeUnit.SECONDS);
        // the gateway stopped working for the impatient caller at its deadline (0.5 s), not at its own
        // generator deadline (2 s): the stage call was bounded by the caller's
        assertThat(cancelled).isNotEmpty();
        assertThat((cancelled.stream().mapToLong(Long::longValue).min().orElseThrow() - asked) / 1e9)
            .as("seconds until the first generator call was cancelled").isLessThan(1.5);
        assertThat(r.getDegraded()).as("the generator never answers: the history fallback does").isTrue();
        assertThat(r.getItemsCount()).isEqualTo(10);
      }
    } finally {
      callers.shutdownNow();
      silent.shutdownNow();
    }
  }
}
