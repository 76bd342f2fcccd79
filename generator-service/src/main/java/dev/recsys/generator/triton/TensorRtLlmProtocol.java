package dev.recsys.generator.triton;

import dev.recsys.proto.inference.ModelInferRequest;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Triton's TensorRT-LLM backend (the {@code ensemble} / {@code tensorrt_llm_bls} models):
 * inputs with a batch dimension of 1 — {@code text_input}, {@code max_tokens},
 * {@code beam_width} (N candidates by beam search, as in-process), {@code stream},
 * {@code exclude_input_in_output}, {@code lora_task_id}, and on first use of a task
 * {@code lora_weights} + {@code lora_config} ({@link TensorRtLlmLora}); {@code text_output} out.
 *
 * <p>TensorRT-LLM caches adapters by task id and evicts the oldest when its cache is full; a
 * request naming an evicted task fails with "LoRA task N not found in cache. Please send LoRA
 * weights with request". This client sends the weights the first time it uses a task, then only
 * the id; on that error it sends them again (the request never ran, so resending is safe). With
 * several Triton replicas each has its own cache, and the same path fills it.
 */
public final class TensorRtLlmProtocol implements TritonLlmProtocol {
  private static final Pattern CACHE_MISS = Pattern.compile("LoRA task [0-9]+ not found in cache");

  private final Set<Long> sent = ConcurrentHashMap.newKeySet();
  private final AtomicLong weightsSent = new AtomicLong();
  private final AtomicLong cacheMisses = new AtomicLong();

  @Override
  public boolean takesAdapterWeights() {
    return true;
  }

  @Override
  public String name() {
    return "tensorrt-llm";
  }

  @Override
  public void encode(ModelInferRequest.Builder request, TritonClient.Generation g, boolean withAdapterWeights) {
    InferInputs in = new InferInputs(request).bytes("text_input", g.prompt(), 1, 1).int32("max_tokens", g.maxTokens(), 1, 1)
        .int32("beam_width", g.n(), 1, 1).bool("stream", false, 1, 1).bool("exclude_input_in_output", true, 1, 1);
    if (g.temperature() > 0 && g.n() == 1) {
      in.fp32("temperature", (float) g.temperature(), 1, 1);
    }
    TensorRtLlmLora lora = g.trtLora();
    if (lora != null) {
      in.uint64("lora_task_id", lora.taskId(), 1, 1);
      if (withAdapterWeights) {
        in.raw("lora_weights", "FP16", lora.weightsFp16(), 1, lora.rows(), lora.rowSize());
        in.raw("lora_config", "INT32", lora.config(), 1, lora.rows(), 3);
        weightsSent.incrementAndGet();
      }
    }
    in.output("text_output");
  }

  @Override
  public boolean needsAdapterWeights(TritonClient.Generation g) {
    return g.trtLora() != null && !sent.contains(g.trtLora().taskId());
  }

  @Override
  public boolean asksForAdapterWeights(Status status) {
    boolean miss = status.getDescription() != null && CACHE_MISS.matcher(status.getDescription()).find();
    if (miss) {
      cacheMisses.incrementAndGet();
    }
    return miss;
  }

  @Override
  public void succeeded(TritonClient.Generation g, boolean withAdapterWeights) {
    if (withAdapterWeights && g.trtLora() != null) {
      sent.add(g.trtLora().taskId());
    }
  }

  /** Requests that carried adapter weights. */
  public long weightsSent() {
    return weightsSent.get();
  }

  /** Calls the server refused because it no longer held the adapter. */
  public long cacheMisses() {
    return cacheMisses.get();
  }
}
