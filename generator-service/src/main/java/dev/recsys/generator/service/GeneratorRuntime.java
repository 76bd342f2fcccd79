package dev.recsys.generator.service;

import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.baseline.TransitionBaselineBackend;
import dev.recsys.generator.llm.GenerationQueue;
import dev.recsys.generator.llm.GenerationSpans;
import dev.recsys.generator.llm.InProcessLlmBackend;
import dev.recsys.generator.backend.GeneratorModels;
import dev.recsys.generator.model.GeneratorModelsLoader;
import dev.recsys.generator.triton.TensorRtLlmProtocol;
import dev.recsys.generator.triton.TritonClient;
import dev.recsys.generator.triton.TritonLlmBackend;
import dev.recsys.generator.triton.TritonLlmProtocol;
import dev.recsys.generator.triton.TritonTransport;
import dev.recsys.generator.triton.VllmProtocol;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.serving.health.GrpcReadiness;
import dev.recsys.serving.release.ReleaseWatcher;
import dev.recsys.serving.release.ServiceReleases;
import dev.recsys.serving.rpc.TransportSecurity;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the release watcher that hot-reloads the generator's models and the backends that run
 * them; gRPC health turns SERVING once a release is loaded.
 */
@ApplicationScoped
public class GeneratorRuntime {
  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(GeneratorRuntime.class);
  private final GeneratorConfig config;
  private final MeterRegistry registry;
  private final GrpcHealthStorage health;
  private ReleaseWatcher<GeneratorModels> watcher;
  private GenerationQueue queue;
  private ExecutorService prefills;
  private TritonClient triton;
  private BackendRouter router;

  private final OpenTelemetry otel;

  public GeneratorRuntime(GeneratorConfig config, MeterRegistry registry, GrpcHealthStorage health, OpenTelemetry otel) {
    this.otel = otel;
    this.config = config;
    this.registry = registry;
    this.health = health;
  }

  void onStart(@Observes StartupEvent event) {
    GrpcReadiness.set(health, false, GeneratorServiceGrpc.SERVICE_NAME);
    DjlDefaults.apply();
    GenerationBackend baseline = new TransitionBaselineBackend();
    GenerationBackend primary = switch (config.backend()) {
      case IN_PROCESS -> {
        GeneratorConfig.Llm llm = config.llm();
        queue = new GenerationQueue(llm.workers(), llm.queueCapacity(), llm.maxBatch(), llm.continuousBatching(),
            llm.timeout().toMillis(),
            new GenerationSpans(otel.getTracer("recsys-generator")));
        Gauge.builder("recsys.generator.queue.waiting", queue, GenerationQueue::waiting).register(registry);
        Gauge.builder("recsys.generator.queue.running", queue, GenerationQueue::running).register(registry);
        FunctionCounter.builder("recsys.generator.batches", queue, GenerationQueue::batches)
            .description("in-process generation batches run").register(registry);
        FunctionCounter.builder("recsys.generator.batched.requests", queue, GenerationQueue::batchedRequests)
            .description("requests run in those batches (divided by batches: the mean batch size)")
            .register(registry);
        prefills = prefillThreads(llm.prefillThreads());
        yield new InProcessLlmBackend(queue, llm.maxNewTokens(), llm.historyWindow(), prefills);
      }
      case TRITON -> {
        TritonTransport transport = tritonTransport(config.triton().tls());
        if (transport.plaintext()) {
          LOG.warn(transport.describe());
        } else {
          LOG.info(transport.describe());
        }
        triton = new TritonClient(config.triton().target(), transport, config.triton().model(),
            config.llm().timeout().toMillis(), otel, tritonProtocol());
        yield new TritonLlmBackend(triton, config.llm().maxNewTokens(), config.llm().historyWindow(),
            config.triton().temperature());
      }
      case BASELINE -> baseline;
    };
    router = new BackendRouter(primary, baseline);
    TransportSecurity.check("generator", true);
    watcher = ServiceReleases.watch("generator", config.store(),
        new GeneratorModelsLoader(primary, config.llm().defaultTexts()), registry,
        () -> GrpcReadiness.set(health, true, GeneratorServiceGrpc.SERVICE_NAME));
  }

  /** {@code n} daemon threads that prefill joining requests' prompts, or null for none. */
  static ExecutorService prefillThreads(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("recsys.generator.llm.prefill-threads must be >= 0, got " + n);
    }
    if (n == 0) {
      return null;
    }
    AtomicInteger made = new AtomicInteger();
    return Executors.newFixedThreadPool(n, task -> {
      Thread t = new Thread(task, "llm-prefill-" + made.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
  }

  static TritonTransport tritonTransport(GeneratorConfig.Triton.Tls tls) {
    if (tls.plaintext()) {
      return TritonTransport.PLAINTEXT;
    }
    return new TritonTransport(false, tls.ca().map(Path::of).orElse(null), tls.clientCert().map(Path::of).orElse(null),
        tls.clientKey().map(Path::of).orElse(null), tls.reloadPeriod());
  }

  private TritonLlmProtocol tritonProtocol() {
    return switch (config.triton().protocol()) {
      case VLLM -> new VllmProtocol();
      case TENSORRT_LLM -> {
        TensorRtLlmProtocol trt = new TensorRtLlmProtocol();
        FunctionCounter.builder("recsys.generator.triton.lora.weights.sent", trt, TensorRtLlmProtocol::weightsSent)
            .description("requests that carried LoRA weights to TensorRT-LLM (first use, or after eviction)")
            .register(registry);
        FunctionCounter.builder("recsys.generator.triton.lora.cache.misses", trt, TensorRtLlmProtocol::cacheMisses)
            .description("requests TensorRT-LLM refused because it had evicted the adapter").register(registry);
        yield trt;
      }
    };
  }

  void onStop(@Observes ShutdownEvent event) {
    if (watcher != null) {
      watcher.close();
    }
    if (queue != null) {
      queue.close();
    }
    if (prefills != null) {
      prefills.shutdownNow();
    }
    if (triton != null) {
      triton.close();
    }
  }

  public ReleaseWatcher<GeneratorModels> releases() {
    return watcher;
  }

  public BackendRouter router() {
    return router;
  }
}
