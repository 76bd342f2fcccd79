package dev.recsys.llm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded with DJL's binding of the Rust tokenizers library:
 * works for the tokenizer the trainer builds and for a pretrained model's.
 */
public final class Tokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer hf;
  private final Path file;

  private Tokenizer(HuggingFaceTokenizer hf, Path file) {
    this.hf = hf;
    this.file = file;
  }

  public static Tokenizer load(Path tokenizerJson) {
    try {
      return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("addSpecialTokens", "false",
          "truncation", "false", "padding", "false")), tokenizerJson);
    } catch (IOException | RuntimeException e) {
      throw new ArtifactException(tokenizerJson, "not a usable tokenizer.json: " + e.getMessage());
    }
  }

  /** Token ids of {@code text}, without special tokens. */
  public long[] encode(String text) {
    return hf.encode(text, false, false).getIds();
  }

  public String[] pieces(String text) {
    return hf.encode(text, false, false).getTokens();
  }

  public String decode(long[] ids) {
    return hf.decode(ids, true);
  }

  /** The id of a token, or -1 when the vocabulary lacks it. */
  public long id(String token) {
    long[] ids = hf.encode(token, false, false).getIds();
    return ids.length == 1 ? ids[0] : -1;
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    hf.close();
  }
}
