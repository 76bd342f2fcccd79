package dev.recsys.generator.triton;

import dev.recsys.common.rpc.RequestException;
import dev.recsys.common.tracing.Spans;
import dev.recsys.proto.inference.GRPCInferenceServiceGrpc;
import dev.recsys.proto.inference.InferParameter;
import dev.recsys.proto.inference.ModelConfigRequest;
import dev.recsys.proto.inference.ModelInferRequest;
import dev.recsys.proto.inference.ModelInferResponse;
import dev.recsys.proto.inference.ModelReadyRequest;
import dev.recsys.proto.inference.ModelStreamInferResponse;
import dev.recsys.proto.inference.ServerReadyRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of Triton's KServe v2 gRPC protocol for text generation models that speak the vLLM
 * backend's tensors ({@code text_input}, {@code sampling_parameters}, {@code stream},
 * {@code exclude_input_in_output} in; {@code text_output} out, one element per sequence).
 *
 * <ul>
 *   <li>One channel for the client's life (HTTP/2 multiplexes all calls).</li>
 *   <li>Readiness ({@code ServerReady}, {@code ModelReady}) and the model's config (decoupled or
 *       not) are checked before the first call and re-checked after a failure.</li>
 *   <li>Decoupled models (the vLLM backend always is) are called on the bidirectional
 *       {@code ModelStreamInfer} stream, one stream per request, until the response flagged
 *       {@code triton_final_response}; others with unary {@code ModelInfer}.</li>
 *   <li>Each call carries the caller's gRPC deadline (or {@code defaultTimeout}). Generation is
 *       not retried here: the caller's policy decides (it falls back to the baseline).</li>
 * </ul>
 */
public final class TritonClient implements AutoCloseable {
  /** What one generation asks for. */
  public record Generation(String prompt, int n, int maxTokens, double temperature, long seed, String loraName) {}

  private final ManagedChannel channel;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
  private final String model;
  private final long defaultTimeoutMillis;
  private final Map<String, Boolean> decoupled = new ConcurrentHashMap<>();
  private final OpenTelemetry otel;
  private final Tracer tracer;

  /** Puts the current trace context into every call's headers. */
  private final class TraceContextInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          otel.getPropagators().getTextMapPropagator().inject(Context.current(), headers,
              (h, k, v) -> h.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
          super.start(listener, headers);
        }
      };
    }
  }

  public TritonClient(String target, String model, long defaultTimeoutMillis) {
    this(target, model, defaultTimeoutMillis, OpenTelemetry.noop());
  }

  /**
   * @param target "host:port", or "dns:///name:port" to balance over every address (round robin)
   * @param otel   a client span per inference, with the trace context sent to Triton (W3C traceparent)
   */
  public TritonClient(String target, String model, long defaultTimeoutMillis, OpenTelemetry otel) {
    this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(64 << 20)
        .defaultLoadBalancingPolicy("round_robin").build();
    this.otel = otel;
    this.tracer = otel.getTracer("recsys-triton-client");
    Channel traced = ClientInterceptors.intercept(channel, new TraceContextInterceptor());
    this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(traced);
    this.async = GRPCInferenceServiceGrpc.newStub(traced);
    this.model = model;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
  }

  public String model() {
    return model;
  }

  /**
   * Checks that the server and the model are ready and learns whether the model is decoupled.
   *
   * @throws RequestException UNAVAILABLE naming the target and what is not ready
   */
  public boolean checkReady() {
    Boolean known = decoupled.get(model);
    if (known != null) {
      return known;
    }
    try {
      var stub = blocking.withDeadlineAfter(2, TimeUnit.SECONDS);
      if (!stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()) {
        throw RequestException.unavailable("Triton at " + channel.authority() + " is not ready");
      }
      if (!stub.modelReady(ModelReadyRequest.newBuilder().setName(model).build()).getReady()) {
        throw RequestException.unavailable("Triton at " + channel.authority() + " has not loaded model '" + model
            + "'");
      }
      boolean d = stub.modelConfig(ModelConfigRequest.newBuilder().setName(model).build()).getConfig()
          .getModelTransactionPolicy().getDecoupled();
      decoupled.put(model, d);
      return d;
    } catch (StatusRuntimeException e) {
      throw RequestException.unavailable("Triton at " + channel.authority() + " is unreachable or failing: "
          + e.getStatus().getCode() + " " + e.getStatus().getDescription());
    }
  }

  /** The generated texts (continuations only, prompt excluded), one per sequence. */
  public List<String> generate(Generation g) {
    Span span = tracer.spanBuilder("triton.infer").setSpanKind(SpanKind.CLIENT).setAttribute("rpc.system", "grpc")
        .setAttribute("recsys.triton.model", model).setAttribute("recsys.candidates", g.n())
        .setAttribute("recsys.lora", g.loraName() == null ? "" : g.loraName()).startSpan();
    return Spans.in(span, () -> infer(g));
  }

  private List<String> infer(Generation g) {
    boolean isDecoupled = checkReady();
    ModelInferRequest request = request(g, UUID.randomUUID().toString());
    long timeout = timeoutMillis();
    try {
      ModelInferResponse response = isDecoupled ? stream(request, timeout)
          : blocking.withDeadlineAfter(timeout, TimeUnit.MILLISECONDS).modelInfer(request);
      return textOutput(response);
    } catch (StatusRuntimeException e) {
      decoupled.remove(model); // re-check readiness next time
      if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw RequestException.deadline("Triton did not answer within " + timeout + " ms");
      }
      throw RequestException.unavailable("Triton inference failed: " + e.getStatus().getCode() + " "
          + e.getStatus().getDescription());
    }
  }

  ModelInferRequest request(Generation g, String id) {
    String sampling = "{\"n\": " + g.n() + ", \"max_tokens\": " + g.maxTokens() + ", \"temperature\": "
        + g.temperature() + ", \"seed\": " + g.seed()
        + (g.loraName() == null ? "" : ", \"lora_name\": \"" + g.loraName() + "\"") + "}";
    ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model).setId(id)
        .putParameters("triton_enable_empty_final_response", InferParameter.newBuilder().setBoolParam(true).build());
    b.addInputs(input("text_input", "BYTES")).addRawInputContents(BytesTensor.encode(List.of(g.prompt())));
    b.addInputs(input("stream", "BOOL")).addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[] {0}));
    b.addInputs(input("sampling_parameters", "BYTES")).addRawInputContents(BytesTensor.encode(List.of(sampling)));
    b.addInputs(input("exclude_input_in_output", "BOOL"))
        .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[] {1}));
    b.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("text_output"));
    return b.build();
  }

  private static ModelInferRequest.InferInputTensor input(String name, String type) {
    return ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(type).addShape(1).build();
  }

  /** One request on a ModelStreamInfer stream: the response with text, up to the final flag. */
  private ModelInferResponse stream(ModelInferRequest request, long timeoutMillis) {
    CompletableFuture<ModelInferResponse> result = new CompletableFuture<>();
    StreamObserver<ModelInferRequest> requests = async.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .modelStreamInfer(new StreamObserver<>() {
          private ModelInferResponse withText;

          @Override
          public void onNext(ModelStreamInferResponse r) {
            if (!r.getErrorMessage().isEmpty()) {
              result.completeExceptionally(Status.UNAVAILABLE.withDescription("model error: " + r.getErrorMessage())
                  .asRuntimeException());
              return;
            }
            ModelInferResponse resp = r.getInferResponse();
            if (resp.getOutputsCount() > 0) {
              withText = resp;
            }
            InferParameter fin = resp.getParametersMap().get("triton_final_response");
            if (fin != null && fin.getBoolParam()) {
              if (withText == null) {
                result.completeExceptionally(Status.INTERNAL.withDescription("final response without text_output")
                    .asRuntimeException());
              } else {
                result.complete(withText);
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            if (withText != null) {
              result.complete(withText);
            } else {
              result.completeExceptionally(Status.INTERNAL.withDescription("stream ended without a response")
                  .asRuntimeException());
            }
          }
        });
    requests.onNext(request);
    try {
      ModelInferResponse r = result.get(timeoutMillis + 100, TimeUnit.MILLISECONDS);
      requests.onCompleted();
      return r;
    } catch (ExecutionException e) {
      requests.onError(Status.CANCELLED.asRuntimeException());
      throw e.getCause() instanceof StatusRuntimeException s ? s : Status.fromThrowable(e.getCause()).asRuntimeException();
    } catch (TimeoutException e) {
      requests.onError(Status.CANCELLED.asRuntimeException());
      throw Status.DEADLINE_EXCEEDED.asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.onError(Status.CANCELLED.asRuntimeException());
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
  }

  private static List<String> textOutput(ModelInferResponse r) {
    for (int i = 0; i < r.getOutputsCount(); i++) {
      if (r.getOutputs(i).getName().equals("text_output")) {
        if (i < r.getRawOutputContentsCount()) {
          return BytesTensor.decode(r.getRawOutputContents(i));
        }
        return r.getOutputs(i).getContents().getBytesContentsList().stream().map(b -> b.toStringUtf8()).toList();
      }
    }
    throw RequestException.unavailable("Triton's response has no text_output");
  }

  private long timeoutMillis() {
    Deadline d = io.grpc.Context.current().getDeadline();
    return d == null ? defaultTimeoutMillis : Math.max(1, d.timeRemaining(TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
