package dev.recsys.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Options that cannot work are refused as usage errors (exit 2) naming the fix, before any work. */
class UsageErrorsTest {
  @TempDir Path dir;

  private static String run(Object command, int expectedCode, String... args) {
    StringWriter err = new StringWriter();
    int code = new CommandLine(command).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).isEqualTo(expectedCode);
    return err.toString();
  }

  @Test
  void aPretrainedProfileWithoutABase_isRefused() {
    assertThat(run(new TrainCommand(), 2, "--dataset", dir.resolve("missing").toString(), "--out",
        dir.resolve("run").toString(), "--profile", "pretrained-quick"))
        .contains("--profile pretrained-quick is sized for LoRA on a pretrained base: give --base <folder>");
  }

  @Test
  void anUnknownProfile_namesTheKnownOnes() {
    assertThat(run(new TrainCommand(), 2, "--dataset", dir.resolve("missing").toString(), "--out",
        dir.resolve("run").toString(), "--profile", "huge"))
        .contains("unknown profile 'huge': use one of [quick, default, pretrained-quick, pretrained-default]");
  }

  @Test
  void anUnknownPipelineFamily_namesTheKnownOnes() {
    assertThat(run(new EvalCommand(), 2, "--dataset", dir.resolve("missing").toString(), "--run", dir.toString(),
        "--families", "llm-rerank,magic"))
        .contains("--families: 'magic' is not one of [bigrec, bigrec-union, d3, llm-rerank]");
    assertThat(run(new EvalCommand(), 2, "--dataset", dir.resolve("missing").toString(), "--run", dir.toString(),
        "--rerank-sources", "sasrec,popularity"))
        .contains("--rerank-sources: 'popularity' is not one of [sasrec, transitions, mix]");
  }
}
