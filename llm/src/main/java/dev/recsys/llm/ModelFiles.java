package dev.recsys.llm;

/**
 * Where a trained LLM lives in a run folder and in a release: a Hugging Face checkpoint under
 * {@code base/} (config.json, model.safetensors, tokenizer.json) and a PEFT adapter under
 * {@code adapter/} (adapter_config.json, adapter_model.safetensors).
 */
public final class ModelFiles {
  public static final String BASE = "base";
  public static final String ADAPTER = "adapter";
  public static final String TOKENIZER = "tokenizer.json";
  /** The catalogue embedded by the base model (BIGRec's grounding space), in a release. */
  public static final String LLM_EMBEDDINGS = "llm-embeddings.bin";

  private ModelFiles() {}

  /**
   * The name a release's adapter is served under on Triton ({@code multi_lora.json}, the request's
   * {@code lora_name}): tenant and release, so that names never collide across tenants.
   */
  public static String loraName(String tenant, String release) {
    return tenant + "--" + release;
  }

  /** Token ids of {@code text} framed as the model was trained: bos, the text's tokens, eos. */
  public static long[] ids(Tokenizer tok, String text, long bos, long eos) {
    long[] body = tok.encode(text);
    long[] out = new long[body.length + 2];
    out[0] = bos;
    System.arraycopy(body, 0, out, 1, body.length);
    out[out.length - 1] = eos;
    return out;
  }
}
