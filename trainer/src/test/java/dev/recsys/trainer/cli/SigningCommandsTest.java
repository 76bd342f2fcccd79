package dev.recsys.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.signing.TrustedKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** keygen makes a pair; publish signs with it, refuses to run without a decision about signing. */
class SigningCommandsTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TrainerCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void publishSignsWithTheKeygenKey_andTheServicesStoreVerifiesIt() throws Exception {
    Path data = dir.resolve("data");
    Path store = dir.resolve("store");
    assertThat(run("synthetic", "--items", "40", "--users", "30", "--out", data.toString()).code()).isZero();
    Result keygen = run("keygen", "--out", dir.resolve("keys").toString());
    assertThat(keygen.code()).isZero();
    assertThat(keygen.out()).containsPattern("key [0-9a-f]{16}: private .*release-signing.key");

    Result refused = run("publish", "--dataset", data.toString(), "--store", store.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("publish signs every release: give --signing-key");

    Result published = run("publish", "--dataset", data.toString(), "--store", store.toString(), "--signing-key",
        dir.resolve("keys/release-signing.key").toString());
    assertThat(published.code()).as(published.err()).isZero();
    assertThat(published.out()).containsPattern("signed by key [0-9a-f]{16}");
    FileArtifactStore services = new FileArtifactStore(store)
        .trusting(new TrustedKeys(List.of(dir.resolve("keys/release-signing.pub"))));
    String release = services.pointer("default", "stable").orElseThrow();
    assertThat(services.verify("default", release).itemCount()).isEqualTo(40);

    Result again = run("keygen", "--out", dir.resolve("keys").toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("release-signing.key exists: a signing key is never overwritten");
  }
}
