package dev.recsys.serving.rpc;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives the transport's size refusal a message. A request whose message is over the server's
 * limit ({@code quarkus.grpc.server.max-inbound-message-size}, Vert.x' 256 KiB by default) is
 * refused by the Vert.x gRPC server as soon as the message's length prefix arrives, before any
 * service code runs, with {@code RESOURCE_EXHAUSTED} and no {@code grpc-message}: the caller
 * learns neither what was wrong nor what to change.
 *
 * <p>Every gRPC request passes this route first (it reads nothing and calls the next handler);
 * just before the response's headers are written, a trailers-only {@code RESOURCE_EXHAUSTED}
 * without a message gets one naming the limit. The services' own {@code RESOURCE_EXHAUSTED}
 * answers (quotas, a full generation queue) always carry a message and are left alone.
 */
@Singleton
public class OversizedMessageStatus {
  /** Vert.x gRPC's default ({@code GrpcServerOptions.DEFAULT_MAX_MESSAGE_SIZE}). */
  static final long VERTX_DEFAULT_LIMIT = 256 * 1024;
  private static final String RESOURCE_EXHAUSTED = "8";

  private final long limit;

  @Inject
  OversizedMessageStatus(@ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size") Optional<Long> limit) {
    this.limit = limit.orElse(VERTX_DEFAULT_LIMIT);
  }

  /** Ahead of Quarkus' gRPC route on the same (unified) HTTP server. */
  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::handle);
  }

  void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (type != null && type.startsWith("application/grpc")) {
      ctx.addHeadersEndHandler(v -> explain(ctx.response().headers()));
    }
    ctx.next();
  }

  /** Adds the message to a trailers-only RESOURCE_EXHAUSTED that has none; returns whether it did. */
  boolean explain(MultiMap headers) {
    if (!RESOURCE_EXHAUSTED.equals(headers.get("grpc-status")) || headers.get("grpc-message") != null) {
      return false;
    }
    headers.set("grpc-message", message(limit));
    return true;
  }

  /** ASCII without '%', so it needs no percent-encoding in {@code grpc-message}. */
  static String message(long limit) {
    return "the request message is over this service's limit of " + limit + " bytes (" + (limit >> 10)
        + " KiB; quarkus.grpc.server.max-inbound-message-size): send a smaller request, e.g. a shorter "
        + "history or fewer or shorter strings";
  }
}
