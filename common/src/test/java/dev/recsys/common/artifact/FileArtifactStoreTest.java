package dev.recsys.common.artifact;

import dev.recsys.common.artifact.ReleaseParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest {
  @TempDir Path root;

  @Test
  void commit_writesManifestWithChecksums_andDraftIsInvisibleUntilThen() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    ReleaseDraft draft = store.draft("acme");
    Files.writeString(draft.path("a.txt"), "hello");
    assertThat(Files.exists(store.releaseDir("acme", draft.release()))).isFalse();

    ReleaseManifest m = draft.commit(TestReleases.metadata());

    assertThat(m.files()).containsOnlyKeys("a.txt");
    assertThat(m.files().get("a.txt").bytes()).isEqualTo(5);
    assertThat(m.files().get("a.txt").sha256())
        .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(store.verify("acme", draft.release())).isEqualTo(m);
    assertThat(ReleaseParams.of(m.params()).gamma()).isEqualTo(0.5);
  }

  @Test
  void promote_movesPointerAtomically_andTenantsListsIt() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String r1 = TestReleases.publish(store, "acme", "one");
    String r2 = TestReleases.publish(store, "acme", "two");
    assertThat(store.pointer("acme", "stable")).isEmpty();
    store.promote("acme", "stable", r1);
    assertThat(store.pointer("acme", "stable")).contains(r1);
    store.promote("acme", "stable", r2);
    assertThat(store.pointer("acme", "stable")).contains(r2);
    assertThat(store.tenants()).containsExactly("acme");
  }

  @Test
  void verify_refusesCorruptFile_namingIt() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String r = TestReleases.publish(store, "acme", "hello");
    Path file = store.releaseDir("acme", r).resolve("a.txt");
    Files.writeString(file, "jello");
    assertThatThrownBy(() -> store.verify("acme", r))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("a.txt")
        .hasMessageContaining("corrupt");
  }

  @Test
  void verify_refusesTruncatedOrMissingFile_andMalformedManifest() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String r = TestReleases.publish(store, "acme", "hello");
    Path dir = store.releaseDir("acme", r);
    Files.writeString(dir.resolve("a.txt"), "hel");
    assertThatThrownBy(() -> store.verify("acme", r)).hasMessageContaining("size 3 bytes differs");
    Files.delete(dir.resolve("a.txt"));
    assertThatThrownBy(() -> store.verify("acme", r)).hasMessageContaining("missing");
    Files.writeString(dir.resolve(ReleaseLayout.MANIFEST), "{not json");
    assertThatThrownBy(() -> store.verify("acme", r)).hasMessageContaining("malformed manifest");
  }

  @Test
  void promote_refusesUnverifiableRelease_andKeepsPointer() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String good = TestReleases.publish(store, "acme", "good");
    store.promote("acme", "stable", good);
    String bad = TestReleases.publish(store, "acme", "bad");
    Files.writeString(store.releaseDir("acme", bad).resolve("a.txt"), "BAD");
    assertThatThrownBy(() -> store.promote("acme", "stable", bad)).isInstanceOf(ArtifactException.class);
    assertThat(store.pointer("acme", "stable")).contains(good);
  }

  @Test
  void names_rejectPathTraversal() {
    FileArtifactStore store = new FileArtifactStore(root);
    assertThatThrownBy(() -> store.releaseDir("acme", "../../etc")).hasMessageContaining("release '../../etc' is invalid");
    assertThatThrownBy(() -> store.releaseDir("../x", "r")).hasMessageContaining("tenant '../x' is invalid");
  }
}
