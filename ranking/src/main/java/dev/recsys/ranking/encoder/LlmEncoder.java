package dev.recsys.ranking.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.common.artifact.Checksums;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Prompts;
import dev.recsys.llm.Tokenizer;
import dev.recsys.ranking.encoder.Encoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * BIGRec's grounding encoder: a text (a title, or generated text) written as the model saw titles
 * in training (in quotes) and embedded by the <em>base</em> model, without the adapter, as the last
 * layer's hidden state at the last token. The catalogue snapshot and the generated texts must be
 * embedded by the same base weights; {@link #idOf} names them by their checksum.
 */
public final class LlmEncoder implements Encoder, AutoCloseable {
  private final NDManager manager;
  private final Tokenizer tokenizer;
  private final Decoding base;
  private final String id;
  private final int dimension;
  private final long bos;
  private final long eos;

  /** Loads the Hugging Face checkpoint in {@code baseDir} (config.json, model.safetensors, tokenizer.json). */
  public LlmEncoder(Path baseDir) {
    this.id = idOf(baseDir);
    this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      LlamaModel model = LlamaCheckpoint.load(baseDir, manager);
      model.prepareForInference(); // encoding only: q/k/v and gate/up products fused
      this.tokenizer = Tokenizer.load(baseDir.resolve(ModelFiles.TOKENIZER));
      this.base = new Decoding(model, manager);
      this.dimension = model.config().hiddenSize();
      this.bos = model.config().bosTokenId();
      this.eos = model.config().eosTokenId();
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The encoder id of a base checkpoint: {@code llm-base-} and the first 12 hex digits of its weights' SHA-256. */
  public static String idOf(Path baseDir) {
    try {
      return "llm-base-" + Checksums.sha256(baseDir.resolve(LlamaCheckpoint.WEIGHTS)).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + baseDir.resolve(LlamaCheckpoint.WEIGHTS), e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** The embedding of one title or generated text. */
  public float[] embed(String title) {
    long[] ids = ModelFiles.ids(tokenizer, Prompts.response(title).strip(), bos, eos);
    return base.embed(java.util.Arrays.copyOf(ids, ids.length - 1));
  }

  @Override
  public float[][] encode(List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = embed(texts.get(i));
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
