package dev.recsys.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained run used as BIGRec does: the base model with the adapter generates the next title
 * (top beam); the base model without the adapter embeds texts (last token's final hidden state)
 * for grounding.
 */
public final class LlmRecommender implements AutoCloseable {
  private final NDManager manager;
  private final Tokenizer tokenizer;
  private final Decoding tuned;
  private final Decoding base;
  private final Prompts prompts;
  private final long bos;
  private final long eos;
  private final int beams;
  private final int maxNewTokens;

  public LlmRecommender(Path runDir, Prompts prompts, int beams, int maxNewTokens) {
    this(runDir.resolve(ModelFiles.BASE), runDir.resolve(ModelFiles.ADAPTER), prompts, beams, maxNewTokens);
  }

  public LlmRecommender(Path baseDir, Path adapterDir, Prompts prompts, int beams, int maxNewTokens) {
    this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    this.tokenizer = Tokenizer.load(baseDir.resolve(ModelFiles.TOKENIZER));
    LlamaModel baseModel = LlamaCheckpoint.load(baseDir, manager);
    LlamaModel tunedModel = LlamaCheckpoint.load(baseDir, manager, LoraAdapter.config(adapterDir));
    LoraAdapter.load(tunedModel, adapterDir, manager);
    this.base = new Decoding(baseModel, manager);
    this.tuned = new Decoding(tunedModel, manager);
    this.prompts = prompts;
    this.bos = baseModel.config().bosTokenId();
    this.eos = baseModel.config().eosTokenId();
    this.beams = beams;
    this.maxNewTokens = maxNewTokens;
  }

  /** The generated texts (beams, best first) for a history of titles, quotes and eos stripped. */
  public List<String> generate(List<String> historyTitles) {
    long[] prompt = ModelFiles.ids(tokenizer, prompts.recommend(historyTitles), bos, eos);
    long[] withoutEos = java.util.Arrays.copyOf(prompt, prompt.length - 1);
    return tuned.beam(withoutEos, beams, maxNewTokens, eos).stream().map(h -> clean(tokenizer.decode(strip(h.tokens()))))
        .toList();
  }

  /** BIGRec's embedding of a title or generated text (written in quotes, as in the prompts). */
  public float[] embed(String title) {
    long[] ids = ModelFiles.ids(tokenizer, Prompts.response(title).strip(), bos, eos);
    return base.embed(java.util.Arrays.copyOf(ids, ids.length - 1));
  }

  private long[] strip(long[] tokens) {
    int n = tokens.length;
    return n > 0 && tokens[n - 1] == eos ? java.util.Arrays.copyOf(tokens, n - 1) : tokens;
  }

  static String clean(String generated) {
    String s = generated.strip();
    if (s.startsWith("\"")) {
      s = s.substring(1);
    }
    int end = s.indexOf('"');
    return (end >= 0 ? s.substring(0, end) : s).strip();
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
