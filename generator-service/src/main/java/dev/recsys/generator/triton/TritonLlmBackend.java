package dev.recsys.generator.triton;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.LoadedRelease;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.generator.backend.BackendState;
import dev.recsys.generator.backend.GenerationBackend;
import dev.recsys.generator.backend.GeneratorModels;
import java.nio.file.Path;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.TitleGenerator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Runs the release's fine-tuned LLM on NVIDIA Triton: the same prompt as training, the tenant's
 * adapter chosen per request — by its LoRA name on the vLLM backend ({@link #loraName}: the model
 * repository generated from the release registers the adapter under that name), by task id with
 * the weights on first use on the TensorRT-LLM backend — {@code n} sequences, titles cleaned as
 * in-process. With one candidate decoding is greedy (temperature 0); with more, the TensorRT-LLM
 * backend runs beam search (beam width n), the vLLM backend, which has none, samples at
 * {@code temperature} with a fixed seed. Triton decodes without the catalogue trie, so the
 * serving pipeline's constraint, exclusions and D3 assistant apply in-process only: the texts are
 * grounded by nearest neighbours as free generations are.
 */
public final class TritonLlmBackend implements GenerationBackend {
  public static final String NAME = "llm-triton";

  private final TritonClient client;
  private final int maxNewTokens;
  private final int historyWindow;
  private final double temperature;

  public TritonLlmBackend(TritonClient client, int maxNewTokens, int historyWindow, double temperature) {
    this.client = client;
    this.maxNewTokens = maxNewTokens;
    this.historyWindow = historyWindow;
    this.temperature = temperature;
  }

  /** The adapter's name on Triton: tenant and release, so that a tenant's request can only name its own. */
  public static String loraName(String tenant, String release) {
    return ModelFiles.loraName(tenant, release);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The adapter in TensorRT-LLM's form, when that is the model's backend (vLLM loads it by name: nothing to do). */
  @Override
  public BackendState prepare(String tenant, ReleaseLayout release, GeneratorModels models) {
    if (!client.protocol().takesAdapterWeights()) {
      return null;
    }
    Path adapter = release.file(ReleaseLayout.ADAPTER);
    try {
      return new TensorRtLlmRelease(TensorRtLlmLora.fromPeft(adapter, loraName(tenant, release.manifest().release())));
    } catch (RuntimeException e) {
      throw new ArtifactException(adapter, "cannot convert the adapter for TensorRT-LLM: " + e.getMessage());
    }
  }

  /** What this backend prepares of a release for TensorRT-LLM: the adapter that travels with requests. */
  public record TensorRtLlmRelease(TensorRtLlmLora lora) implements BackendState {}

  @Override
  public List<Candidate> generate(LoadedRelease<GeneratorModels> release, List<HistoryEntry> history, int n,
      java.util.Set<String> excluded) {
    List<String> titles = HistoryEntry.recentTitles(history, historyWindow);
    String prompt = release.value().prompts().recommend(titles);
    List<String> texts = client.generate(new TritonClient.Generation(prompt, n, maxNewTokens,
        n == 1 ? 0.0 : temperature, 0, loraName(release.tenant(), release.release()),
        release.value().state(TensorRtLlmRelease.class).map(TensorRtLlmRelease::lora).orElse(null)));
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String t : texts) {
      String title = TitleGenerator.clean(t);
      if (!title.isEmpty()) {
        distinct.add(title);
      }
    }
    List<Candidate> out = new ArrayList<>();
    int rank = 0;
    for (String t : distinct) {
      out.add(new Candidate(t, -rank++)); // Triton returns no scores: keep its order
    }
    return out;
  }
}
