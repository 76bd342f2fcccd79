package dev.recsys.common.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

/** Small releases for tests: a manifest with fixed fields, a one-file release published into a store. */
public final class TestReleases {
  private TestReleases() {}

  public static ReleaseManifest metadata() {
    return new ReleaseManifest(0, null, null, null, "test", "enc", 2, 1, Map.of("name", "tiny"),
        Map.of("gamma", "0.5"), null);
  }

  /** Publishes a release holding {@code a.txt} with this content; returns its name. */
  public static String publish(FileArtifactStore store, String tenant, String content) throws IOException {
    ReleaseDraft draft = store.draft(tenant);
    Files.writeString(draft.path("a.txt"), content);
    draft.commit(metadata());
    return draft.release();
  }
}
