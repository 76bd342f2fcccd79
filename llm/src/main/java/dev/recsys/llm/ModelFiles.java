package dev.recsys.llm;

/**
 * The files of a trained LLM that the model code itself names: the tokenizer inside a Hugging Face
 * checkpoint folder, Triton's name for a release's adapter, and how a text is framed in token ids.
 * Where the checkpoint and adapter lie in a run or a release is {@code ReleaseLayout}'s
 * ({@code base/}, {@code adapter/}).
 */
public final class ModelFiles {
  public static final String TOKENIZER = "tokenizer.json";

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
