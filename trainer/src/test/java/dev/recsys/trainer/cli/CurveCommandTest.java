package dev.recsys.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CurveCommandTest {
  @TempDir Path dir;

  @Test
  void aSampleCountThatIsNeitherANumberNorAll_isAUsageErrorBeforeAnyWork() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new CurveCommand()).setErr(new PrintWriter(err));
    int code = cli.execute("--dataset", dir.resolve("missing").toString(), "--run", dir.toString(),
        "--samples", "64,all,lots");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--samples: 'lots' is neither a positive number nor 'all'");
  }
}
