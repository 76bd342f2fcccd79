package dev.recsys.e2e;

import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A published store, the three services on it, and a client channel to the gateway. */
final class StackFixture implements AutoCloseable {
  static final MiniLmEncoder ENCODER = new MiniLmEncoder();

  final Releases releases;
  final LocalStack stack;
  final ManagedChannel channel;

  private StackFixture(Releases releases, LocalStack stack) {
    this.releases = releases;
    this.stack = stack;
    this.channel = stack.channel("gateway").intercept(stack.issuer().bearer(DevIssuer.SUBJECT)).build();
  }

  /** Starts the stack on a store that {@code publish} has filled. */
  static StackFixture start(Path dir, Duration poll, ThrowingConsumer<Releases> publish) throws Exception {
    return start(dir, poll, publish, stack -> { });
  }

  /** As above, with the services configured first (e.g. {@code stack.set("generator", "k=v")}). */
  static StackFixture start(Path dir, Duration poll, ThrowingConsumer<Releases> publish,
      java.util.function.Consumer<LocalStack> configure) throws Exception {
    Path store = dir.resolve("store");
    Releases releases = new Releases(store, ENCODER);
    publish.accept(releases);
    LocalStack stack = new LocalStack(LocalStack.repoRoot(), store, dir.resolve("logs"), poll);
    configure.accept(stack);
    return new StackFixture(releases, stack.start());
  }

  /** Wraps a started stack (its store published by the caller). */
  static StackFixture attach(LocalStack stack) {
    return new StackFixture(null, stack);
  }

  RecommendServiceGrpc.RecommendServiceBlockingStub gateway() {
    return RecommendServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  RecommendResponse recommend(RecommendRequest req) {
    return gateway().recommend(req);
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    stack.close();
  }

  @FunctionalInterface
  interface ThrowingConsumer<T> {
    void accept(T t) throws Exception;
  }
}
