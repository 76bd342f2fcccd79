package dev.recsys.llm;

import java.nio.file.Path;
import java.util.List;

/**
 * A trained run used as BIGRec does, for offline evaluation: the base model with the adapter
 * generates the next title (beams, best first); the base model without the adapter embeds texts
 * for grounding.
 */
public final class LlmRecommender implements AutoCloseable {
  private final TitleGenerator generator;
  private final LlmEncoder encoder;
  private final int beams;
  private final int maxNewTokens;

  public LlmRecommender(Path runDir, Prompts prompts, int beams, int maxNewTokens) {
    this(runDir.resolve(ModelFiles.BASE), runDir.resolve(ModelFiles.ADAPTER), prompts, beams, maxNewTokens);
  }

  public LlmRecommender(Path baseDir, Path adapterDir, Prompts prompts, int beams, int maxNewTokens) {
    this.encoder = new LlmEncoder(baseDir);
    try {
      this.generator = new TitleGenerator(baseDir, adapterDir, prompts);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
    this.beams = beams;
    this.maxNewTokens = maxNewTokens;
  }

  /** The generated titles (distinct beams, best first) for a history of titles. */
  public List<String> generate(List<String> historyTitles) {
    return generator.generate(historyTitles, beams, maxNewTokens).stream().map(TitleGenerator.Generated::text).toList();
  }

  /** The generated titles restricted to the catalogue's (D3-style constrained beam search). */
  public List<String> generate(List<String> historyTitles, TitleTrie trie) {
    return generator.generate(historyTitles, beams, maxNewTokens, trie).stream().map(TitleGenerator.Generated::text)
        .toList();
  }

  /** A trie of the catalogue's titles for {@link #generate(List, TitleTrie)}. */
  public TitleTrie trie(List<String> catalogueTitles) {
    return generator.trie(catalogueTitles);
  }

  /** BIGRec's embedding of a title or generated text. */
  public float[] embed(String title) {
    return encoder.embed(title);
  }

  /** The grounding encoder's id (see {@link LlmEncoder#idOf}). */
  public String encoderId() {
    return encoder.id();
  }

  @Override
  public void close() {
    generator.close();
    encoder.close();
  }
}
