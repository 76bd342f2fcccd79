package dev.recsys.serving.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * Runs a unary handler and maps its failure to a gRPC status, in exactly one place for every
 * service: {@link RequestException} to its code, a {@link StatusRuntimeException} as it is, and
 * anything else to INTERNAL with the error's message (never UNKNOWN).
 */
public final class UnaryCalls {
  private static final System.Logger LOG = System.getLogger(UnaryCalls.class.getName());

  private UnaryCalls() {}

  public static <T> void respond(StreamObserver<T> observer, Supplier<T> handler) {
    T response;
    try {
      response = handler.get();
    } catch (RuntimeException e) {
      if (!callerGone(observer)) {
        observer.onError(e instanceof RequestException r ? toStatus(e).asRuntimeException(r.trailers())
            : toStatus(e).asRuntimeException());
      }
      return;
    }
    if (!callerGone(observer)) {
      observer.onNext(response);
      observer.onCompleted();
    }
  }

  /**
   * Whether the caller cancelled the call (gave up, or its deadline passed) while it was served:
   * then nothing may be written. Quarkus' HTTP/2 server would send the late answer's headers on a
   * stream the caller has reset, which Netty treats as a protocol error of the whole connection
   * (GOAWAY PROTOCOL_ERROR: every other call on it fails). The blocking handler hears of the
   * cancellation only after it returns; the call itself knows at once.
   */
  private static boolean callerGone(StreamObserver<?> observer) {
    return observer instanceof ServerCallStreamObserver<?> call && call.isCancelled();
  }

  public static Status toStatus(Throwable e) {
    if (e instanceof RequestException r) {
      return Status.fromCode(r.code()).withDescription(r.getMessage());
    }
    if (e instanceof StatusRuntimeException s) {
      return s.getStatus();
    }
    LOG.log(System.Logger.Level.ERROR, "unexpected failure while serving a request", e);
    return Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage())
        .withCause(e);
  }
}
