package dev.recsys.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseSubfoldersTest {
  @TempDir Path root;

  @Test
  void filesInSubfolders_areListedVerifiedAndRefusedWhenCorrupt() throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseDraft d = store.draft("acme");
    Files.writeString(d.path("base/config.json"), "{}");
    Files.writeString(d.path("adapter/adapter_config.json"), "{\"r\":8}");
    ReleaseManifest m = d.commit(TestReleases.metadata());
    assertThat(m.files()).containsOnlyKeys("base/config.json", "adapter/adapter_config.json");
    store.verify("acme", m.release());
    Files.writeString(store.releaseDir("acme", m.release()).resolve("adapter/adapter_config.json"), "{\"r\":4}");
    assertThatThrownBy(() -> store.verify("acme", m.release())).hasMessageContaining("adapter_config.json")
        .hasMessageContaining("corrupt");
  }

  @Test
  void pathsThatLeaveTheRelease_areRefused() throws Exception {
    ReleaseDraft d = new FileArtifactStore(root).draft("acme");
    assertThatThrownBy(() -> d.path("../escape")).hasMessageContaining("file name segment '..' is invalid");
    assertThatThrownBy(() -> d.path("/etc/passwd")).hasMessageContaining("is invalid");
    assertThatThrownBy(() -> d.path("a//b")).hasMessageContaining("is invalid");
  }
}
