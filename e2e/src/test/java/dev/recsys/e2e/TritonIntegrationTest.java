package dev.recsys.e2e;

import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.generator.triton.TensorRtLlmLora;
import dev.recsys.generator.triton.TensorRtLlmProtocol;
import dev.recsys.generator.triton.TritonClient;
import dev.recsys.generator.triton.TritonTransport;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.serving.rpc.RequestException;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.TritonRepository;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's Triton path against a real Triton server: PyTriton's bundled tritonserver
 * (installed by scripts/setup-triton.sh) serving the model repository that the trainer's
 * triton-repo command writes, with an independent numpy implementation of the model. The Java
 * client, through Triton, must produce the same greedy text as the in-process DJL model for the
 * same checkpoint, adapter and prompt, on the decoupled model (ModelStreamInfer) and on a
 * non-decoupled one (ModelInfer); and the whole stack must serve Recommend through it.
 */
class TritonIntegrationTest {
  static final String MODEL = "recsys-llm";
  /**
   * The numpy model (float64, one Python thread per request) takes seconds per request on a busy
   * 2-core machine, beyond the gateway's production deadline for generation.
   */
  static final String SLOW_MODEL = "recsys.gateway.generator-deadline=30s";

  @TempDir Path dir;

  @Test
  void javaClientThroughRealTriton_matchesTheInProcessModel_andServesRecommend() throws Exception {
    assumeTrue(TritonServer.installed(), "no Triton installed: run scripts/setup-triton.sh (scripts/test.sh does)");
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    Path run = Releases.trainQuick(d, splits, dir.resolve("run"));
    Path store = dir.resolve("store");
    ReleaseManifest release = new Releases(store, StackFixture.ENCODER).publishLlm("default", d, splits, run);
    TritonRepository.Written repo = TritonRepository.write(new FileArtifactStore(store), "stable", List.of("default"),
        MODEL, 2, dir.resolve("triton-repo"));
    String lora = ModelFiles.loraName("default", release.release());
    assertThat(repo.adapters()).containsOnlyKeys(lora);

    Path releaseDir = new FileArtifactStore(store).releaseDir("default", release.release());
    try (TritonServer triton = new TritonServer(repo.modelDir().getParent(), MODEL, dir.resolve("triton.log"),
        LocalStack.certificates(store));
         TitleGenerator inProcess = new TitleGenerator(releaseDir.resolve(ReleaseLayout.BASE),
             releaseDir.resolve(ReleaseLayout.ADAPTER), d.prompts());
         TritonClient decoupled = new TritonClient(triton.target(), triton.transport(), MODEL, 60_000);
         TritonClient unary = new TritonClient(triton.target(), triton.transport(), MODEL + "-unary", 60_000)) {
      assertThat(decoupled.checkReady()).as("the vLLM-like model is decoupled").isTrue();
      assertThat(unary.checkReady()).isFalse();
      int compared = 0;
      for (Sample s : splits.test().subList(0, 4)) {
        String prompt = inProcess.promptText(s.history().stream().map(d.titles()::get).toList());
        String expected = inProcess.greedyText(prompt, 24);
        TritonClient.Generation g = new TritonClient.Generation(prompt, 1, 24, 0.0, 0, lora);
        assertThat(decoupled.generate(g)).as("ModelStreamInfer").containsExactly(expected);
        assertThat(unary.generate(g)).as("ModelInfer").containsExactly(expected);
        compared++;
      }
      assertThat(compared).isEqualTo(4);
      // n sequences come back as n elements of text_output
      assertThat(decoupled.generate(new TritonClient.Generation("The movie", 3, 4, 0.8, 7, lora))).hasSize(3);
      // an adapter Triton does not serve: the model's error, as UNAVAILABLE with its message
      assertThatThrownBy(() -> decoupled.generate(new TritonClient.Generation("x", 1, 4, 0.0, 0, "other--r1")))
          .isInstanceOfSatisfying(RequestException.class, e -> {
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getMessage()).contains("unknown lora_name 'other--r1'");
          });
      // Triton's gRPC is mutual TLS: a client without the generator's certificate, or in plaintext, gets nothing
      for (TritonTransport t : List.of(TritonTransport.tls(LocalStack.certificates(store).ca()),
          TritonTransport.PLAINTEXT)) {
        try (TritonClient outsider = new TritonClient(triton.target(), t, MODEL, 5_000)) {
          assertThatThrownBy(outsider::checkReady).as("%s", t).isInstanceOf(RuntimeException.class);
        }
      }
      // a model Triton has not loaded
      try (TritonClient missing = new TritonClient(triton.target(), triton.transport(), "no-such-model", 5_000)) {
        assertThatThrownBy(missing::checkReady).hasMessageContaining("no-such-model");
      }

      tensorRtLlmTensors(triton, inProcess, d, splits, releaseDir, lora);

      // the whole stack with the generator on Triton
      try (StackFixture fx = StackFixture.attach(stackOnTriton(store, dir.resolve("logs"), triton).start())) {
        recommendsThroughTriton(fx, splits.test().get(0), d, inProcess, release.release());
      }

      // and with Triton's TensorRT-LLM tensors: the generator converts the release's adapter at load
      // time and sends it with its first request
      LocalStack trtStack = stackOnTriton(store, dir.resolve("logs-trt"), triton,
          "recsys.generator.triton.model=" + MODEL + "-trtllm", "recsys.generator.triton.protocol=tensorrt-llm");
      try (StackFixture fx = StackFixture.attach(trtStack.start())) {
        for (int i = 0; i < 2; i++) {
          recommendsThroughTriton(fx, splits.test().get(1), d, inProcess, release.release());
        }
        assertThat(trtStack.http("generator", "/q/metrics"))
            .as("weights on the first request only").contains("recsys_generator_triton_lora_weights_sent_total 1.0");
      }
    }
  }

  /** The three services on {@code store}, the generator on {@code triton} (with more generator settings, if any). */
  static LocalStack stackOnTriton(Path store, Path logs, TritonServer triton, String... generatorSettings)
      throws java.io.IOException {
    List<String> generator = new java.util.ArrayList<>(List.of("recsys.generator.backend=triton",
        "recsys.generator.triton.target=" + triton.target()));
    generator.addAll(List.of(generatorSettings));
    return new LocalStack(LocalStack.repoRoot(), store, logs, Duration.ofMillis(500))
        .set("generator", generator.toArray(String[]::new)).set("gateway", SLOW_MODEL);
  }

  /**
   * Recommend for {@code s} with one generated text, through a stack whose generator is on Triton:
   * not degraded, served by {@code release}, the text the in-process model's greedy one for the
   * history's last 10 titles (the generator's window), 10 items.
   */
  static void recommendsThroughTriton(StackFixture fx, Sample s, Dataset d, TitleGenerator inProcess,
      String release) {
    RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant("default")
        .addAllHistory(s.history()).setK(10).setNumCandidates(1).build());
    assertThat(r.getDegraded()).as(r.getDegradedReason()).isFalse();
    assertThat(r.getServedBy().getGeneratorBackend()).isEqualTo("llm-triton");
    assertThat(r.getServedBy().getAdapterVersion()).isEqualTo(release);
    assertThat(r.getServedBy().getSnapshotVersion()).isEqualTo(release);
    List<String> recent = s.history().subList(Math.max(0, s.history().size() - 10), s.history().size());
    assertThat(r.getGeneratedTextsList()).containsExactly(TitleGenerator.clean(inProcess.greedyText(
        inProcess.promptText(recent.stream().map(d.titles()::get).toList()), 32)));
    assertThat(r.getItemsCount()).isEqualTo(10);
  }

  /**
   * The TensorRT-LLM protocol against the -trtllm model (adapters cached by task id, one at a
   * time): the adapter travels in TensorRT-LLM's weight format — the numpy model rebuilds it from
   * that format alone — on first use, then only its id; when another adapter has evicted it, the
   * server's "not found in cache" makes the client send it again, and the caller sees no error.
   */
  private static void tensorRtLlmTensors(TritonServer triton, TitleGenerator inProcess, Dataset d, Splits splits,
      Path releaseDir, String lora) {
    TensorRtLlmLora mine = TensorRtLlmLora.fromPeft(releaseDir.resolve(ReleaseLayout.ADAPTER), lora);
    TensorRtLlmLora other = TensorRtLlmLora.fromPeft(releaseDir.resolve(ReleaseLayout.ADAPTER), "other--r1");
    TensorRtLlmProtocol protocol = new TensorRtLlmProtocol();
    try (TritonClient trt = new TritonClient(triton.target(), triton.transport(), MODEL + "-trtllm", 60_000, protocol)) {
      assertThat(trt.checkReady()).as("the ensemble is not decoupled").isFalse();
      List<String> prompts = splits.test().subList(4, 6).stream()
          .map(s -> inProcess.promptText(s.history().stream().map(d.titles()::get).toList())).toList();
      List<String> expected = prompts.stream().map(p -> inProcess.greedyText(p, 24)).toList();

      assertThat(trt.generate(greedy(prompts.get(0), mine))).containsExactly(expected.get(0));
      assertThat(protocol.weightsSent()).as("first use carries the weights").isEqualTo(1);
      assertThat(trt.generate(greedy(prompts.get(1), mine))).containsExactly(expected.get(1));
      assertThat(protocol.weightsSent()).as("then the id alone").isEqualTo(1);
      assertThat(trt.generate(greedy(prompts.get(0), other))).containsExactly(expected.get(0));
      assertThat(protocol.weightsSent()).isEqualTo(2);
      // the server holds one adapter: "other" evicted "mine"
      assertThat(trt.generate(greedy(prompts.get(1), mine))).containsExactly(expected.get(1));
      assertThat(protocol.cacheMisses()).isEqualTo(1);
      assertThat(protocol.weightsSent()).isEqualTo(3);

      // N candidates by beam search: beam_width texts
      List<String> beams = trt.generate(new TritonClient.Generation(prompts.get(0), 3, 12, 0.0, 0, lora, mine));
      assertThat(beams).hasSize(3).doesNotHaveDuplicates();
    }
  }

  private static TritonClient.Generation greedy(String prompt, TensorRtLlmLora lora) {
    return new TritonClient.Generation(prompt, 1, 24, 0.0, 0, lora.loraName(), lora);
  }
}
