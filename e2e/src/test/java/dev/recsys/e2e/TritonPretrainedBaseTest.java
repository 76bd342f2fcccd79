package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.generator.triton.TensorRtLlmLora;
import dev.recsys.generator.triton.TensorRtLlmProtocol;
import dev.recsys.generator.triton.TritonClient;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.gguf.GgufLlamaConverter;
import dev.recsys.llm.gguf.PretrainedBase;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.TritonRepository;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Triton path with the pretrained base (SmolLM2-135M, fetched by scripts/fetch-base.sh): a
 * LoRA run on it, published, written by {@code triton-repo}, served by a real Triton server whose
 * independent numpy model reads the same HF checkpoint and PEFT adapter. Through Triton the Java
 * client must get the in-process model's greedy text, on the vLLM tensors (adapter by name) and on
 * the TensorRT-LLM tensors (the adapter converted to TensorRT-LLM's weight rows, with this model's
 * grouped-query k/v shapes), and the whole stack must serve Recommend through it.
 */
class TritonPretrainedBaseTest {
  static final String MODEL = "recsys-llm";

  @TempDir Path dir;

  @Test
  void aLoraRunOnThePretrainedBase_throughRealTriton_matchesTheInProcessModel_andServesRecommend() throws Exception {
    assumeTrue(TritonServer.installed(), "no Triton installed: run scripts/setup-triton.sh (scripts/test.sh does)");
    Optional<Path> gguf = PretrainedBase.SMOLLM2_135M.fetched(LocalStack.repoRoot());
    assumeTrue(gguf.isPresent(), PretrainedBase.SMOLLM2_135M.notFetched(LocalStack.repoRoot()));
    Path hf = dir.resolve("smollm2");
    GgufLlamaConverter.convert(gguf.get(), hf);

    Dataset d = SyntheticDataset.generate(120, 80, 3);
    Splits splits = Splitter.bigrec(d);
    Path run = Releases.trainOnPretrained(d, splits, hf, dir.resolve("run"));
    Path store = dir.resolve("store");
    ServingPipeline free = new ServingPipeline(ServingPipeline.Kind.BIGREC,
        new ServingPipeline.Generation(1, 1, false, false, 0), new ServingPipeline.Grounding(40, 0, "popularity", 0));
    ReleaseManifest release = new Releases(store, StackFixture.ENCODER).publishUnevaluated("default", d, splits, run,
        free);
    TritonRepository.Written repo = TritonRepository.write(new FileArtifactStore(store), "stable", List.of("default"),
        MODEL, 2, dir.resolve("triton-repo"));
    String lora = ModelFiles.loraName("default", release.release());
    assertThat(repo.adapters()).containsOnlyKeys(lora);

    Path releaseDir = new FileArtifactStore(store).releaseDir("default", release.release());
    assertThat(LlamaConfig.read(releaseDir.resolve(ReleaseLayout.BASE).resolve("config.json")).numHiddenLayers())
        .as("the release carries the 30-layer pretrained base").isEqualTo(30);
    TensorRtLlmLora trtLora = TensorRtLlmLora.fromPeft(releaseDir.resolve(ReleaseLayout.ADAPTER), lora);
    try (TritonServer triton = new TritonServer(repo.modelDir().getParent(), MODEL, dir.resolve("triton.log"),
        LocalStack.certificates(store));
         TitleGenerator inProcess = new TitleGenerator(releaseDir.resolve(ReleaseLayout.BASE),
             releaseDir.resolve(ReleaseLayout.ADAPTER), d.prompts());
         TritonClient vllm = new TritonClient(triton.target(), triton.transport(), MODEL, 120_000);
         TritonClient trt = new TritonClient(triton.target(), triton.transport(), MODEL + "-trtllm", 120_000,
             new TensorRtLlmProtocol())) {
      for (Sample s : splits.test().subList(0, 2)) {
        String prompt = inProcess.promptText(s.history().stream().map(d.titles()::get).toList());
        String expected = inProcess.greedyText(prompt, 24);
        assertThat(expected).as("the fine-tuned model writes something").isNotBlank();
        assertThat(vllm.generate(new TritonClient.Generation(prompt, 1, 24, 0.0, 0, lora)))
            .as("vLLM tensors, adapter by name").containsExactly(expected);
        assertThat(trt.generate(new TritonClient.Generation(prompt, 1, 24, 0.0, 0, lora, trtLora)))
            .as("TensorRT-LLM tensors, adapter as weight rows").containsExactly(expected);
      }

      try (StackFixture fx = StackFixture.attach(TritonIntegrationTest.stackOnTriton(store, dir.resolve("logs"),
          triton).start())) {
        TritonIntegrationTest.recommendsThroughTriton(fx, splits.test().get(2), d, inProcess, release.release());
      }
    }
  }
}
