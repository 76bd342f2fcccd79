package dev.recsys.generator.llm;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.rpc.RequestException;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.model.GeneratorModels;
import dev.recsys.llm.TitleGenerator;
import java.util.List;

/**
 * Runs the release's fine-tuned LLM (base checkpoint + the tenant's LoRA adapter) on this JVM's
 * CPU through DJL: beam search with one beam per candidate asked, stopped at the end of the title
 * (eos) or after {@code maxNewTokens}, restricted to the catalogue's titles when the release was
 * loaded with a title trie; concurrency bounded by a {@link GenerationQueue}, which batches
 * requests waiting for the same model into one beam search.
 */
public final class InProcessLlmBackend implements GenerationBackend {
  public static final String NAME = "llm-in-process";

  /**
   * Runs a batch of asks on their model. One instance for all requests: the queue batches only
   * requests of the same key and the same runner.
   */
  public static final GenerationQueue.BatchRunner<TitleGenerator, TitleGenerator.Ask,
      List<TitleGenerator.Generated>> GENERATE_BATCH = (gen, asks, done) -> gen.generate(asks, done);

  private final GenerationQueue queue;
  private final int maxNewTokens;
  private final int historyWindow;

  /**
   * @param historyWindow the most recent titles put into the prompt (BIGRec trains on 10)
   */
  public InProcessLlmBackend(GenerationQueue queue, int maxNewTokens, int historyWindow) {
    this.queue = queue;
    this.maxNewTokens = maxNewTokens;
    this.historyWindow = historyWindow;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Candidate> generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n) {
    TitleGenerator llm = release.value().inProcessLlm().orElseThrow(() -> RequestException.unavailable(
        "release '" + release.release() + "' has no in-process LLM loaded"));
    List<String> titles = HistoryEntry.recentTitles(history, historyWindow);
    TitleGenerator.Ask ask = new TitleGenerator.Ask(titles, n, maxNewTokens, release.value().trie());
    return queue.run(llm, ask, GENERATE_BATCH).stream()
        .map(g -> new Candidate(g.text(), g.score())).toList();
  }
}
