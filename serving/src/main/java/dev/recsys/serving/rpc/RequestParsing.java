package dev.recsys.serving.rpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * A body that does not decode as the method's request message is the caller's mistake:
 * INVALID_ARGUMENT saying what was expected. Left to the server, a marshaller that throws makes
 * the call end INTERNAL ("Half-closed without a request"), which tells a caller the server failed.
 * Each service binds its definition through {@link #strict}: the request marshaller never throws,
 * it hands the call a {@link Parsed} holding the message or the failure, and the call answers
 * the failure itself.
 */
public final class RequestParsing {
  private RequestParsing() {}

  /** The message a body decoded to, or why it did not. */
  record Parsed<Q>(Q message, String failure) {}

  /** The service with every method answering INVALID_ARGUMENT for a body that does not decode. */
  public static ServerServiceDefinition strict(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      b.addMethod(strict(m));
    }
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Parsed<Q>, R> strict(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> d = m.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> inner = d.getRequestMarshaller();
    String type = inner instanceof MethodDescriptor.ReflectableMarshaller<?> r
        ? r.getMessageClass().getSimpleName() : "request message";
    MethodDescriptor.Marshaller<Parsed<Q>> marshaller = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Parsed<Q> value) {
        return inner.stream(value.message());
      }

      @Override
      public Parsed<Q> parse(InputStream stream) {
        try {
          return new Parsed<>(inner.parse(stream), null);
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          return new Parsed<>(null, "the request body is not a valid " + type + " (" + cause.getMessage()
              + "); send a message encoded from the service's .proto");
        }
      }
    };
    MethodDescriptor<Parsed<Q>, R> parsed = d.toBuilder(marshaller, d.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(parsed, handler(m.getServerCallHandler(), d));
  }

  private static <Q, R> ServerCallHandler<Parsed<Q>, R> handler(ServerCallHandler<Q, R> next,
      MethodDescriptor<Q, R> d) {
    return (call, headers) -> {
      ServerCall.Listener<Q> listener = next.startCall(new Unwrapped<>(call, d), headers);
      return new ServerCall.Listener<>() {
        private boolean refused;

        @Override
        public void onMessage(Parsed<Q> p) {
          if (refused) {
            return;
          }
          if (p.failure() != null) {
            refused = true;
            call.close(Status.INVALID_ARGUMENT.withDescription(p.failure()), new Metadata());
            return;
          }
          listener.onMessage(p.message());
        }

        @Override
        public void onHalfClose() {
          if (!refused) {
            listener.onHalfClose();
          }
        }

        @Override
        public void onCancel() {
          listener.onCancel();
        }

        @Override
        public void onComplete() {
          listener.onComplete();
        }

        @Override
        public void onReady() {
          listener.onReady();
        }
      };
    };
  }

  /** The call as the service's own handler sees it: its request type, everything else the call's. */
  private static final class Unwrapped<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<Parsed<Q>, R> call;
    private final MethodDescriptor<Q, R> descriptor;

    Unwrapped(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> descriptor) {
      this.call = call;
      this.descriptor = descriptor;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      call.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return descriptor;
    }
  }
}
