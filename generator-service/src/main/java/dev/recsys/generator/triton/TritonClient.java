package dev.recsys.generator.triton;

import dev.recsys.common.tracing.Spans;
import dev.recsys.proto.inference.GRPCInferenceServiceGrpc;
import dev.recsys.proto.inference.InferParameter;
import dev.recsys.proto.inference.ModelConfigRequest;
import dev.recsys.proto.inference.ModelInferRequest;
import dev.recsys.proto.inference.ModelInferResponse;
import dev.recsys.proto.inference.ModelReadyRequest;
import dev.recsys.proto.inference.ModelStreamInferResponse;
import dev.recsys.proto.inference.ServerReadyRequest;
import dev.recsys.serving.rpc.RequestException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of Triton's KServe v2 gRPC protocol for text generation models; what the tensors are
 * called and how the LoRA adapter is chosen is the {@link TritonLlmProtocol}'s business
 * ({@link VllmProtocol} by default, {@link TensorRtLlmProtocol}).
 *
 * <ul>
 *   <li>One channel for the client's life (HTTP/2 multiplexes all calls).</li>
 *   <li>Readiness ({@code ServerReady}, {@code ModelReady}) and the model's config (decoupled or
 *       not) are checked before the first call and re-checked after a failure.</li>
 *   <li>Decoupled models (the vLLM backend always is) are called on the bidirectional
 *       {@code ModelStreamInfer} stream, one stream per request, until the response flagged
 *       {@code triton_final_response}; others with unary {@code ModelInfer}.</li>
 *   <li>Each call carries the caller's gRPC deadline (or {@code defaultTimeout}). Generation is
 *       not retried here — the caller's policy decides (it falls back to the baseline) — except
 *       the one call the protocol says never ran because the server lacked the adapter's weights
 *       (TensorRT-LLM's evicted task): it is sent again, with the weights.</li>
 * </ul>
 */
public final class TritonClient implements AutoCloseable {
  /**
   * What one generation asks for.
   *
   * @param loraName the adapter's name ({@code <tenant>--<release>}), or null for the base model
   * @param trtLora  the adapter in TensorRT-LLM's form (that protocol only), or null
   */
  public record Generation(String prompt, int n, int maxTokens, double temperature, long seed, String loraName,
      TensorRtLlmLora trtLora) {
    public Generation(String prompt, int n, int maxTokens, double temperature, long seed, String loraName) {
      this(prompt, n, maxTokens, temperature, seed, loraName, null);
    }
  }

  private final ManagedChannel channel;
  /** The TLS files' reloading (null when plaintext), closed with the channel. */
  private final dev.recsys.serving.rpc.ReloadingClientTls tls;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
  private final String model;
  private final long defaultTimeoutMillis;
  private final Map<String, Boolean> decoupled = new ConcurrentHashMap<>();
  private final OpenTelemetry otel;
  private final Tracer tracer;
  private final TritonLlmProtocol protocol;

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

  public TritonClient(String target, TritonTransport transport, String model, long defaultTimeoutMillis) {
    this(target, transport, model, defaultTimeoutMillis, OpenTelemetry.noop(), new VllmProtocol());
  }

  public TritonClient(String target, TritonTransport transport, String model, long defaultTimeoutMillis,
      TritonLlmProtocol protocol) {
    this(target, transport, model, defaultTimeoutMillis, OpenTelemetry.noop(), protocol);
  }

  /**
   * @param target "host:port", or "dns:///name:port" to balance over every address (round robin)
   * @param transport TLS (mutual when it carries a client certificate), or plaintext when asked for
   * @param otel     a client span per inference, with the trace context sent to Triton (W3C traceparent)
   * @param protocol the model's tensors (vLLM or TensorRT-LLM backend)
   */
  public TritonClient(String target, TritonTransport transport, String model, long defaultTimeoutMillis,
      OpenTelemetry otel, TritonLlmProtocol protocol) {
    this.protocol = protocol;
    this.tls = transport.open();
    ChannelCredentials credentials = tls == null ? InsecureChannelCredentials.create() : tls.credentials();
    this.channel = Grpc.newChannelBuilder(target, credentials).maxInboundMessageSize(64 << 20)
        .defaultLoadBalancingPolicy("round_robin").build();
    this.otel = otel;
    this.tracer = otel.getTracer("recsys-triton-client");
    Channel traced = ClientInterceptors.intercept(channel, new TraceContextInterceptor());
    this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(traced);
    this.async = GRPCInferenceServiceGrpc.newStub(traced);
    this.model = model;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
  }

  /** The model's tensors: vLLM's or TensorRT-LLM's. */
  public TritonLlmProtocol protocol() {
    return protocol;
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
        .setAttribute("recsys.triton.model", model).setAttribute("recsys.triton.protocol", protocol.name())
        .setAttribute("recsys.candidates", g.n())
        .setAttribute("recsys.lora", g.loraName() == null ? "" : g.loraName()).startSpan();
    return Spans.in(span, () -> infer(g));
  }

  private List<String> infer(Generation g) {
    boolean isDecoupled = checkReady();
    boolean withWeights = protocol.needsAdapterWeights(g);
    long timeout = timeoutMillis();
    try {
      return call(g, isDecoupled, withWeights, timeout);
    } catch (StatusRuntimeException e) {
      if (!withWeights && protocol.asksForAdapterWeights(e.getStatus())) {
        Span.current().addEvent("adapter weights resent");
        try {
          return call(g, isDecoupled, true, timeoutMillis());
        } catch (StatusRuntimeException again) {
          throw failure(again, timeout);
        }
      }
      throw failure(e, timeout);
    }
  }

  private List<String> call(Generation g, boolean isDecoupled, boolean withWeights, long timeout) {
    // the empty final response marks the end of a decoupled model's answers (see stream())
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model)
        .setId(UUID.randomUUID().toString())
        .putParameters("triton_enable_empty_final_response", InferParameter.newBuilder().setBoolParam(true).build());
    protocol.encode(request, g, withWeights);
    ModelInferResponse response = isDecoupled ? stream(request.build(), timeout)
        : blocking.withDeadlineAfter(timeout, TimeUnit.MILLISECONDS).modelInfer(request.build());
    List<String> texts = textOutput(response);
    protocol.succeeded(g, withWeights);
    return texts;
  }

  private RequestException failure(StatusRuntimeException e, long timeout) {
    decoupled.remove(model); // re-check readiness next time
    if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return RequestException.deadline("Triton did not answer within " + timeout + " ms");
    }
    return RequestException.unavailable("Triton inference failed: " + e.getStatus().getCode() + " "
        + ModelErrors.summary(e.getStatus().getDescription()));
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
    if (tls != null) {
      tls.close();
    }
  }
}
