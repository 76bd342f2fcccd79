package dev.recsys.grounding.service;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The grounding service started in the test's JVM ({@code @QuarkusTest}) on a store holding a real
 * release of a synthetic catalogue for two tenants, published as the trainer publishes (BIGRec
 * grounding with MiniLM embeddings and an HNSW index), served in plaintext and unsigned (the TLS
 * and signature paths have their own tests).
 */
public class PublishedStore implements QuarkusTestResourceLifecycleManager {
  static final String TENANT = "default";
  static final String OTHER_TENANT = "other";

  /** The synthetic catalogue both releases hold (deterministic: the tests generate it again to pick items). */
  static Dataset dataset() {
    return SyntheticDataset.generate(120, 80, 7);
  }

  @Override
  public Map<String, String> start() {
    try {
      Path root = Files.createTempDirectory("grounding-inprocess");
      Dataset d = dataset();
      Splits splits = Splitter.bigrec(d);
      ReleaseBuilder builder = new ReleaseBuilder(new FileArtifactStore(root), new MiniLmEncoder());
      ReleaseManifest mine = builder.publish(new ReleaseBuilder.Request(TENANT, "stable", d, "test", splits.protocol(),
          splits.train(), 0.5, "in-process test", true), n -> { });
      ReleaseManifest theirs = builder.publish(new ReleaseBuilder.Request(OTHER_TENANT, "stable", d, "test",
          splits.protocol(), splits.train(), 0.5, "in-process test", true), n -> { });
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      return Map.of(
          "quarkus.http.test-port", String.valueOf(port),
          "quarkus.http.insecure-requests", "enabled",
          "quarkus.http.tls-configuration-name", "",
          "recsys.transport.plaintext", "true",
          "recsys.grounding.store.root", root.toString(),
          "recsys.grounding.store.allow-unsigned", "true",
          "recsys.grounding.store.poll-interval", "200ms",
          "test.release.mine", mine.release() == null ? "" : mine.release(),
          "test.release.theirs", theirs.release() == null ? "" : theirs.release());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
