package dev.recsys.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * BIGRec's generation step: the base model with a LoRA adapter reads the recommendation prompt
 * for a history of titles and proposes the next title by beam search. Beams that decode to the
 * same title are merged (the best score is kept). Thread-safe: the weights are read-only and
 * every call decodes in its own memory scope.
 */
public final class TitleGenerator implements AutoCloseable {
  /** One proposed title, its length-normalised log-probability and how many tokens were generated for it. */
  public record Generated(String text, double score, int tokens) {}

  private final NDManager manager;
  private final Tokenizer tokenizer;
  private final Decoding tuned;
  private final Prompts prompts;
  private final long bos;
  private final long eos;

  /**
   * @param baseDir    Hugging Face checkpoint with its tokenizer.json
   * @param adapterDir PEFT adapter trained on that base
   */
  public TitleGenerator(Path baseDir, Path adapterDir, Prompts prompts) {
    this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      LlamaModel model = LlamaCheckpoint.load(baseDir, manager, LoraAdapter.config(adapterDir));
      LoraAdapter.load(model, adapterDir, manager);
      this.tokenizer = Tokenizer.load(baseDir.resolve(ModelFiles.TOKENIZER));
      this.tuned = new Decoding(model, manager);
      this.bos = model.config().bosTokenId();
      this.eos = model.config().eosTokenId();
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.prompts = prompts;
  }

  /** The prompt's token ids (bos + prompt text, no eos) that generation continues. */
  public long[] promptIds(List<String> historyTitles) {
    long[] ids = ModelFiles.ids(tokenizer, prompts.recommend(historyTitles), bos, eos);
    return Arrays.copyOf(ids, ids.length - 1);
  }

  /** The prompt text for a history of titles, as the trainer wrote it (for remote backends). */
  public String promptText(List<String> historyTitles) {
    return prompts.recommend(historyTitles);
  }

  /**
   * A trie of these catalogue titles for {@link #generate(List, int, int, TitleTrie)}: build once
   * per catalogue.
   */
  public TitleTrie trie(List<String> catalogueTitles) {
    return TitleTrie.build(tokenizer, prompts, catalogueTitles, eos);
  }

  /**
   * Up to {@code beams} distinct titles, best first.
   *
   * @param maxNewTokens generation stops there if the title has not ended (eos) before
   */
  public List<Generated> generate(List<String> historyTitles, int beams, int maxNewTokens) {
    return generate(historyTitles, beams, maxNewTokens, null);
  }

  /**
   * As {@link #generate(List, int, int)}, restricted to the titles of {@code trie} when it is not
   * null: every result is then a catalogue title (and generation runs to the trie's depth).
   */
  public List<Generated> generate(List<String> historyTitles, int beams, int maxNewTokens, TitleTrie trie) {
    return generate(List.of(new Ask(historyTitles, beams, maxNewTokens, trie))).get(0);
  }

  /** One generation of a batch: a history, the titles wanted, the token limit, an optional title trie. */
  public record Ask(List<String> historyTitles, int beams, int maxNewTokens, TitleTrie trie) {}

  /**
   * Several generations in one batch (their beams run through the model together); each result is
   * the one {@link #generate(List, int, int, TitleTrie)} gives for that ask alone.
   */
  public List<List<Generated>> generate(List<Ask> asks) {
    List<List<Generated>> out = new ArrayList<>();
    for (List<Decoding.Hypothesis> hypotheses : tuned.beams(requests(asks))) {
      out.add(titles(hypotheses));
    }
    return out;
  }

  /**
   * As {@link #generate(List)}, handing each ask's titles to {@code finished} (with the ask's
   * index) as soon as its beam search ends, while the rest of the batch goes on.
   */
  public void generate(List<Ask> asks, BiConsumer<Integer, List<Generated>> finished) {
    tuned.beams(requests(asks), (i, hypotheses) -> finished.accept(i, titles(hypotheses)));
  }

  private List<Decoding.BeamRequest> requests(List<Ask> asks) {
    List<Decoding.BeamRequest> requests = new ArrayList<>();
    for (Ask a : asks) {
      int limit = a.trie() == null ? a.maxNewTokens() : Math.max(a.maxNewTokens(), a.trie().depth());
      requests.add(new Decoding.BeamRequest(promptIds(a.historyTitles()), a.beams(), limit, eos, a.trie()));
    }
    return requests;
  }

  /** Distinct non-empty titles of the hypotheses, best first. */
  private List<Generated> titles(List<Decoding.Hypothesis> hypotheses) {
    List<Generated> titles = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Decoding.Hypothesis h : hypotheses) {
      String text = clean(tokenizer.decode(strip(h.tokens())));
      if (!text.isEmpty() && seen.add(text)) {
        titles.add(new Generated(text, h.score(), h.tokens().length));
      }
    }
    return titles;
  }

  /** Greedy decoding of the raw continuation (tokens after the prompt, eos removed), for parity tests. */
  public String greedyText(String promptText, int maxNewTokens) {
    long[] ids = ModelFiles.ids(tokenizer, promptText, bos, eos);
    long[] tokens = tuned.greedy(Arrays.copyOf(ids, ids.length - 1), maxNewTokens, eos).tokens();
    return tokenizer.decode(strip(tokens));
  }

  private long[] strip(long[] tokens) {
    int n = tokens.length;
    return n > 0 && tokens[n - 1] == eos ? Arrays.copyOf(tokens, n - 1) : tokens;
  }

  /** The title inside the generated text: leading quote removed, cut at the closing quote. */
  public static String clean(String generated) {
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
