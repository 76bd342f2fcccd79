package dev.recsys.generator.triton;

import dev.recsys.proto.inference.ModelInferRequest;
import io.grpc.Status;

/**
 * How one text generation maps onto a Triton model's tensors: the policy half of the Triton
 * path ({@link TritonClient} is the transport). Triton's LLM backends name and shape their
 * inputs differently, and choose the LoRA adapter differently: vLLM by a name registered in the
 * model repository ({@link VllmProtocol}), TensorRT-LLM by a task id whose weights travel with
 * the request on first use ({@link TensorRtLlmProtocol}).
 */
public interface TritonLlmProtocol {
  /** Short name for logs and metrics ("vllm", "tensorrt-llm"). */
  String name();

  /**
   * Adds one generation's inputs and requested outputs to a request (the model, id and call
   * parameters are the transport's).
   *
   * @param withAdapterWeights carry the adapter itself, not only its id (TensorRT-LLM)
   */
  void encode(ModelInferRequest.Builder request, TritonClient.Generation g, boolean withAdapterWeights);

  /** Whether requests carry the adapter's weights (so a release's adapter is converted when it loads). */
  default boolean takesAdapterWeights() {
    return false;
  }

  /** Whether this generation must carry its adapter's weights because this client never sent them. */
  default boolean needsAdapterWeights(TritonClient.Generation g) {
    return false;
  }

  /** Whether a failed call says the server does not hold the adapter (evicted): resend with weights. */
  default boolean asksForAdapterWeights(Status status) {
    return false;
  }

  /** Called after a successful call. */
  default void succeeded(TritonClient.Generation g, boolean withAdapterWeights) {}
}
