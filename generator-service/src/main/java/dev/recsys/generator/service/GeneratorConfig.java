package dev.recsys.generator.service;

import dev.recsys.serving.release.StoreConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Typed configuration of the generator service; every default lives here. */
@ConfigMapping(prefix = "recsys.generator")
public interface GeneratorConfig {
  /** The artifact store and channel this service serves from. */
  StoreConfig store();

  /** Where a release's LLM runs. */
  enum Backend {
    /** on this JVM's CPU through DJL (the embedded default) */
    IN_PROCESS,
    /** on an NVIDIA Triton server over the KServe v2 gRPC protocol (production, GPUs) */
    TRITON,
    /** no LLM: the transition baseline serves every release */
    BASELINE
  }

  /** in-process, triton or baseline. */
  @WithDefault("in-process")
  Backend backend();

  Llm llm();

  Triton triton();

  /** Where Triton serves the LLMs (backend = triton). */
  interface Triton {
    /** gRPC target, host:port. */
    @WithDefault("localhost:8001")
    String target();

    /** Model name in Triton's repository (see the trainer's triton-repo command). */
    @WithDefault("recsys-llm")
    String model();

    /** Sampling temperature when more than one candidate is asked (one candidate: greedy; vLLM only). */
    @WithDefault("0.8")
    double temperature();

    /** Which of Triton's LLM backends serves the model: its tensors and how it takes LoRA adapters. */
    enum Protocol {
      /** the vLLM backend: adapters registered by name in the model repository (multi_lora.json) */
      VLLM,
      /** the TensorRT-LLM backend: adapters by task id, weights sent with the first request */
      TENSORRT_LLM
    }

    /** vllm or tensorrt-llm. */
    @WithDefault("vllm")
    Protocol protocol();

    /** TLS to Triton (on by default). */
    Tls tls();

    interface Tls {
      /** Call Triton without TLS (development only; logged at start-up). */
      @WithDefault("false")
      boolean plaintext();

      /** CA (PEM) that verifies Triton's certificate; unset: the JDK's trusted CAs. */
      Optional<String> ca();

      /** Client certificate (PEM) for Triton's mutual TLS ({@code --grpc-use-ssl-mutual}). */
      Optional<String> clientCert();

      /** Its private key (PKCS#8 PEM). */
      Optional<String> clientKey();

      /** How often those files are re-read: a renewed certificate is used from the next connection on. */
      @WithDefault("60s")
      java.time.Duration reloadPeriod();
    }
  }

  /** Generation settings shared by the LLM backends. */
  interface Llm {
    /**
     * Batches run at once in-process, one thread each (CPU-bound). 1 by default: with continuous
     * batching and a prefill thread, one batch holds every running request, which then share each
     * decoding step, while prompts are prefilled beside it. On 2 cores with the 3.7M base at 40
     * req/s: 2 workers, p99 677 ms and 7 refused; 1 worker + 1 prefill thread, p99 320-397 ms and
     * none (loadtest/README.md).
     */
    @WithDefault("1")
    int workers();

    /**
     * Threads that prefill the prompts of requests joining a running batch while the batch goes
     * on stepping (prefill/decode disaggregation: a prefill is one wide product per layer and gains
     * nothing from the batch, decoding steps gain from sharing theirs); 0: the batch's worker
     * prefills them between two of its steps.
     */
    @WithDefault("1")
    int prefillThreads();

    /** Requests that may wait for a worker; beyond that RESOURCE_EXHAUSTED. */
    @WithDefault("16")
    int queueCapacity();

    /**
     * Most unanswered requests (for the same release) a batch runs; 1 turns batching off. Batches
     * form only from requests already waiting: no request waits for one to fill. 8 with one
     * worker (4 was best with two workers and no prefill thread; with the forced title rests
     * packed, a wider batch no longer pays for its longest rest in every row).
     */
    @WithDefault("8")
    int maxBatch();

    /**
     * Continuous (iteration-level) batching: a request that arrives while a batch runs joins it at
     * its next decoding step when the batch has room (fewer than max-batch unanswered requests),
     * instead of waiting for the whole batch to end. false: batches form only when a worker starts one.
     */
    @WithDefault("true")
    boolean continuousBatching();

    /** Generation stops here if the title has not ended. */
    @WithDefault("32")
    int maxNewTokens();

    /** Most recent history titles put into the prompt (BIGRec trains with 10). */
    @WithDefault("10")
    int historyWindow();

    /**
     * Texts per request for a release that does not record its serving pipeline (newer releases
     * say how many texts, which beams and whether decoding is catalogue-constrained).
     */
    @WithDefault("4")
    int defaultTexts();

    /** How long a request without a gRPC deadline may wait for its generation. */
    @WithDefault("30s")
    Duration timeout();
  }
}
