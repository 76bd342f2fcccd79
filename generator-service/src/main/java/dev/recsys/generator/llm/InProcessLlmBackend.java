package dev.recsys.generator.llm;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.baseline.TransitionModel;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.generator.backend.BackendState;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.backend.GeneratorModels;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.ranking.pipeline.PipelineGeneration;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRec;
import dev.recsys.ranking.signal.SimilarItemsSignal;
import dev.recsys.ranking.snapshot.ReleaseSignals;
import dev.recsys.serving.rpc.RequestException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs the release's fine-tuned LLM (base checkpoint + the tenant's LoRA adapter) on this JVM's
 * CPU through DJL, decoding as the release's serving pipeline says ({@link PipelineGeneration}:
 * beams, restriction to the catalogue's titles minus the excluded items, length normalisation,
 * D3's assistant, or the ranking of a signal's candidates, with the titles' priors the release ships), stopped at the end of the title (eos) or after {@code maxNewTokens};
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
      List<TitleGenerator.Generated>> GENERATE_BATCH = (gen, asks, done, arrivals) -> gen.generate(asks, done, arrivals);

  private final GenerationQueue queue;
  private final int maxNewTokens;
  private final int historyWindow;
  private final Executor joinerPrefills;

  /**
   * @param historyWindow the most recent titles put into the prompt (BIGRec trains on 10)
   * @param joinerPrefills where the prompts of requests joining a running batch are prefilled
   *     while it steps ({@link TitleGenerator#prefillJoinersOn}); null: on the batch's worker
   */
  public InProcessLlmBackend(GenerationQueue queue, int maxNewTokens, int historyWindow, Executor joinerPrefills) {
    this.queue = queue;
    this.maxNewTokens = maxNewTokens;
    this.historyWindow = historyWindow;
    this.joinerPrefills = joinerPrefills;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Loads the release's LLM, its title trie and the signals its decoding reads; nothing when the
   * release's pipeline generates no text.
   */
  @Override
  public BackendState prepare(String tenant, ReleaseLayout release, GeneratorModels models) {
    ServingPipeline pipeline = models.pipeline();
    if (!pipeline.usesLlm()) {
      return null;
    }
    Catalogue catalogue = models.baseline().catalogue();
    SimilarItemsSignal similar = pipeline.generationReads(ServingPipeline.SIMILAR)
        ? ReleaseSignals.similar(release, catalogue) : null;
    TransitionModel cooccurrence = pipeline.generationReads(ServingPipeline.COOCCURRENCE)
        ? ReleaseSignals.cooccurrence(release, catalogue, pipeline) : null;
    double[] titlePriors = pipeline.needsTitlePriors() ? ReleaseSignals.titlePriors(release, catalogue, pipeline) : null;
    SasRec sequential = pipeline.generationNeedsSequential()
        ? ReleaseSignals.sequential(release, catalogue, pipeline) : null;
    Path adapter = release.file(ReleaseLayout.ADAPTER);
    try {
      TitleGenerator llm = new TitleGenerator(release.file(ReleaseLayout.BASE), adapter, models.prompts());
      llm.prefillJoinersOn(joinerPrefills);
      try {
        TitleTrie trie = pipeline.generation().constrained()
            ? llm.trie(catalogue.items().stream().map(Item::title).toList()) : null;
        return new InProcessRelease(llm, trie, models.baseline(), sequential, cooccurrence, similar, titlePriors);
      } catch (RuntimeException e) {
        llm.close();
        throw e;
      }
    } catch (RuntimeException e) {
      if (sequential != null) {
        sequential.close();
      }
      throw new ArtifactException(adapter, "cannot load the LLM: " + e.getMessage());
    }
  }

  @Override
  public List<Candidate> generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n,
      Set<String> excluded) {
    GeneratorModels models = release.value();
    InProcessRelease loaded = models.state(InProcessRelease.class).orElseThrow(() -> RequestException.unavailable(
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
        HistoryEntry.recentTitles(history, historyWindow), n, loaded.trie(), historyRows, excludedRows,
        loaded::signal, maxNewTokens, loaded.titlePriors());
    return PipelineGeneration.keep(queue.run(loaded.llm(), ask, GENERATE_BATCH), n).stream()
        .map(g -> new Candidate(g.text(), g.score())).toList();
  }
}
