package dev.recsys.generator.llm;

import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.model.GeneratorModels;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.ranking.pipeline.PipelineGeneration;
import dev.recsys.serving.rpc.RequestException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the release's fine-tuned LLM (base checkpoint + the tenant's LoRA adapter) on this JVM's
 * CPU through DJL, decoding as the release's serving pipeline says ({@link PipelineGeneration}:
 * beams, restriction to the catalogue's titles minus the excluded items, length normalisation,
 * D3's assistant), stopped at the end of the title (eos) or after {@code maxNewTokens};
 * concurrency bounded by a {@link GenerationQueue}, which batches requests waiting for the same
 * model into one beam search.
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
  public List<Candidate> generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n,
      Set<String> excluded) {
    GeneratorModels models = release.value();
    TitleGenerator llm = models.inProcessLlm().orElseThrow(() -> RequestException.unavailable(
        "release '" + release.release() + "' has no in-process LLM loaded"));
    Catalogue catalogue = models.baseline().catalogue();
    int[] historyRows = history.stream().mapToInt(h -> catalogue.indexOf(h.itemId())).filter(r -> r >= 0).toArray();
    Set<Integer> excludedRows = new HashSet<>();
    for (String id : excluded) {
      int row = catalogue.indexOf(id);
      if (row >= 0) {
        excludedRows.add(row);
      }
    }
    TitleGenerator.Ask ask = PipelineGeneration.ask(models.pipeline(),
        HistoryEntry.recentTitles(history, historyWindow), n, models.trie(), historyRows, excludedRows,
        models::signal, maxNewTokens);
    return PipelineGeneration.keep(queue.run(llm, ask, GENERATE_BATCH), n).stream()
        .map(g -> new Candidate(g.text(), g.score())).toList();
  }
}
