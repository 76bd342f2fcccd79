package dev.recsys.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --threads: a count below one is refused with a usage error before anything runs. */
class TrainThreadsTest {
  @TempDir Path dir;

  @Test
  void zeroThreads_isAUsageErrorNamingTheOption() {
    StringWriter err = new StringWriter();
    int code = TrainerCommand.commandLine().setErr(new PrintWriter(err)).execute("train", "--dataset",
        dir.resolve("data").toString(), "--out", dir.resolve("run").toString(), "--threads", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--threads must be at least 1, was 0");
  }
}
