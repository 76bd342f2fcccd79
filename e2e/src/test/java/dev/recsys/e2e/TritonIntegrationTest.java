package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.rpc.RequestException;
import dev.recsys.generator.triton.TritonClient;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Prompts;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
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
    try (TritonServer triton = new TritonServer(repo.modelDir().getParent(), MODEL, dir.resolve("triton.log"));
         TitleGenerator inProcess = new TitleGenerator(releaseDir.resolve(ModelFiles.BASE),
             releaseDir.resolve(ModelFiles.ADAPTER), Prompts.forDataset(d.name()));
         TritonClient decoupled = new TritonClient(triton.target(), MODEL, 60_000);
         TritonClient unary = new TritonClient(triton.target(), MODEL + "-unary", 60_000)) {
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
      // a model Triton has not loaded
      try (TritonClient missing = new TritonClient(triton.target(), "no-such-model", 5_000)) {
        assertThatThrownBy(missing::checkReady).hasMessageContaining("no-such-model");
      }

      // the whole stack with the generator on Triton
      LocalStack stack = new LocalStack(LocalStack.repoRoot(), store, dir.resolve("logs"), Duration.ofMillis(500))
          .set("generator", "recsys.generator.backend=triton", "recsys.generator.triton.target=" + triton.target());
      try (StackFixture fx = StackFixture.attach(stack.start())) {
        Sample s = splits.test().get(0);
        RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant("default")
            .addAllHistory(s.history()).setK(10).setNumCandidates(1).build());
        assertThat(r.getDegraded()).as(r.getDegradedReason()).isFalse();
        assertThat(r.getServedBy().getGeneratorBackend()).isEqualTo("llm-triton");
        assertThat(r.getServedBy().getAdapterVersion()).isEqualTo(release.release());
        assertThat(r.getServedBy().getSnapshotVersion()).isEqualTo(release.release());
        assertThat(r.getGeneratedTextsList()).containsExactly(TitleGenerator.clean(inProcess.greedyText(
            inProcess.promptText(s.history().subList(Math.max(0, s.history().size() - 10), s.history().size())
                .stream().map(d.titles()::get).toList()), 32)));
        assertThat(r.getItemsCount()).isEqualTo(10);
      }
    }
  }
}
