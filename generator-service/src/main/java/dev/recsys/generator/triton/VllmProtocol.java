package dev.recsys.generator.triton;

import dev.recsys.proto.inference.ModelInferRequest;

/**
 * Triton's vLLM backend: {@code text_input}, {@code stream}, {@code sampling_parameters} (JSON
 * with {@code n}, {@code max_tokens}, {@code temperature}, {@code seed}, {@code lora_name}),
 * {@code exclude_input_in_output}; {@code text_output} out, one element per sequence. The adapter
 * is chosen by the LoRA name the model repository registered (multi_lora.json).
 */
public final class VllmProtocol implements TritonLlmProtocol {
  @Override
  public String name() {
    return "vllm";
  }

  @Override
  public void encode(ModelInferRequest.Builder request, TritonClient.Generation g, boolean withAdapterWeights) {
    String sampling = "{\"n\": " + g.n() + ", \"max_tokens\": " + g.maxTokens() + ", \"temperature\": "
        + g.temperature() + ", \"seed\": " + g.seed()
        + (g.loraName() == null ? "" : ", \"lora_name\": \"" + g.loraName() + "\"") + "}";
    new InferInputs(request).bytes("text_input", g.prompt(), 1).bool("stream", false, 1)
        .bytes("sampling_parameters", sampling, 1).bool("exclude_input_in_output", true, 1).output("text_output");
  }
}
