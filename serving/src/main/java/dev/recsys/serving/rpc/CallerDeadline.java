package dev.recsys.serving.rpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The caller's deadline (the {@code grpc-timeout} header, gRPC's wire format: up to 8 digits and a
 * unit H, M, S, m, u or n), which Quarkus' HTTP/2 server does not apply itself:
 * <ul>
 *   <li>the call counts as cancelled once it has passed. That server does not tell a blocking
 *       handler that its caller reset the stream, so without this a late answer is written to the
 *       reset stream — which Netty treats as a protocol error of the whole connection (every other
 *       call on it fails); {@link UnaryCalls} writes nothing to a cancelled call;</li>
 *   <li>the handler runs in a gRPC {@link Context} with that deadline, so the stage calls it makes
 *       end with it (a client call's deadline is the earlier of its own and its context's): nobody
 *       works on for a caller that is gone.</li>
 * </ul>
 */
public final class CallerDeadline implements ServerInterceptor {
  static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
  /** Cancels contexts at their deadlines (gRPC needs a scheduler for that). */
  private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "caller-deadlines");
    t.setDaemon(true);
    return t;
  });

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    long nanos = timeoutNanos(headers.get(TIMEOUT));
    if (nanos < 0) {
      return next.startCall(call, headers);
    }
    Context.CancellableContext context = Context.current().withDeadlineAfter(nanos, TimeUnit.NANOSECONDS, DEADLINES);
    return Contexts.interceptCall(context, new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public boolean isCancelled() {
        return super.isCancelled() || context.isCancelled(); // the context is cancelled at the deadline
      }
    }, headers, next);
  }

  /** The header's timeout in nanoseconds, or -1 when there is none or it is malformed. */
  static long timeoutNanos(String header) {
    if (header == null || header.length() < 2 || header.length() > 9) {
      return -1;
    }
    long value;
    try {
      value = Long.parseLong(header.substring(0, header.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
    if (value < 0) {
      return -1;
    }
    TimeUnit unit = switch (header.charAt(header.length() - 1)) {
      case 'H' -> TimeUnit.HOURS;
      case 'M' -> TimeUnit.MINUTES;
      case 'S' -> TimeUnit.SECONDS;
      case 'm' -> TimeUnit.MILLISECONDS;
      case 'u' -> TimeUnit.MICROSECONDS;
      case 'n' -> TimeUnit.NANOSECONDS;
      default -> null;
    };
    return unit == null ? -1 : unit.toNanos(value);
  }
}
