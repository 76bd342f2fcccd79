package dev.recsys.serving.release;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.TestReleases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

class ReleaseWatcherTest {
  @TempDir Path root;
  final List<String> events = new ArrayList<>();

  final ReleaseWatcher.Listener listener = new ReleaseWatcher.Listener() {
    @Override
    public void loaded(String tenant, String release, Duration took) {
      events.add("loaded " + tenant + " " + release);
    }

    @Override
    public void refused(String tenant, String release, Exception why) {
      events.add("refused " + tenant + " " + release + ": " + why.getMessage());
    }
  };

  ReleaseLoader<String> readA = (tenant, release) -> {
    String s = Files.readString(release.file("a.txt"));
    if (s.startsWith("unloadable")) {
      throw new IllegalStateException("loader says no");
    }
    return s;
  };

  @Test
  void swapsToNewRelease_whenPointerMoves() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String r1 = TestReleases.publish(store, "acme", "one");
    store.promote("acme", "stable", r1);
    try (ReleaseWatcher<String> w = new ReleaseWatcher<>(store, "stable", readA, listener)) {
      w.pollOnce();
      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("one");
      String r2 = TestReleases.publish(store, "acme", "two");
      store.promote("acme", "stable", r2);
      w.pollOnce();
      assertThat(w.current("acme").orElseThrow().release()).isEqualTo(r2);
      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("two");
      assertThat(w.current("other")).isEmpty();
    }
  }

  @Test
  void keepsThePreviousReleaseForPinnedRequests_andClosesTheOneBefore() throws Exception {
    FileArtifactStore store = new FileArtifactStore(root);
    List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
    record Model(String text, List<String> closed) implements AutoCloseable {
      @Override
      public void close() {
        closed.add(text);
      }
    }
    ReleaseLoader<Model> loader = (tenant, release) -> new Model(Files.readString(release.file("a.txt")), closed);
    try (ReleaseWatcher<Model> w = new ReleaseWatcher<>(store, "stable", loader, listener, Duration.ZERO)) {
      String r1 = TestReleases.publish(store, "acme", "one");
      store.promote("acme", "stable", r1);
      w.pollOnce();
      String r2 = TestReleases.publish(store, "acme", "two");
      store.promote("acme", "stable", r2);
      w.pollOnce();
      assertThat(w.loaded("acme")).containsExactly(r2, r1);
      assertThat(w.release("acme", r1).orElseThrow().value().text()).isEqualTo("one");
      assertThat(w.release("acme", r2).orElseThrow().value().text()).isEqualTo("two");
      assertThat(w.release("other", r1)).isEmpty();
      assertThat(w.ownerOf(r1)).contains("acme");
      assertThat(w.ownerOf("nope")).isEmpty();
      assertThat(closed).isEmpty();

      String r3 = TestReleases.publish(store, "acme", "three");
      store.promote("acme", "stable", r3);
      w.pollOnce();
      assertThat(w.loaded("acme")).containsExactly(r3, r2);
      assertThat(w.release("acme", r1)).isEmpty();
      long until = System.nanoTime() + 5_000_000_000L;
      while (closed.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertThat(closed).containsExactly("one");
    }
  }

  @Test
  void refusesCorruptRelease_oldOneKeepsServing_andRefusalIsReportedOnce() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String r1 = TestReleases.publish(store, "acme", "one");
    store.promote("acme", "stable", r1);
    try (ReleaseWatcher<String> w = new ReleaseWatcher<>(store, "stable", readA, listener)) {
      w.pollOnce();
      String r2 = TestReleases.publish(store, "acme", "two");
      store.promote("acme", "stable", r2);
      Files.writeString(store.releaseDir("acme", r2).resolve("a.txt"), "TWO"); // corrupted after promotion
      w.pollOnce();
      w.pollOnce();
      assertThat(w.current("acme").orElseThrow().release()).isEqualTo(r1);
      assertThat(events).filteredOn(e -> e.startsWith("refused")).hasSize(1);
      assertThat(events.get(events.size() - 1)).contains(r2).contains("corrupt");
    }
  }

  @Test
  void refusesReleaseTheLoaderRejects() throws IOException {
    FileArtifactStore store = new FileArtifactStore(root);
    String r1 = TestReleases.publish(store, "acme", "unloadable");
    store.promote("acme", "stable", r1);
    try (ReleaseWatcher<String> w = new ReleaseWatcher<>(store, "stable", readA, listener)) {
      w.pollOnce();
      assertThat(w.current("acme")).isEmpty();
      assertThat(events).containsExactly("refused acme " + r1 + ": loader says no");
    }
  }
}
