package dev.recsys.trainer.publish;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import dev.recsys.trainer.split.Splitter;
import dev.recsys.trainer.synthetic.SyntheticDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A store holding a real release for each of two tenants, published as {@code recsys-trainer
 * publish} does without a trained run (a synthetic catalogue, MiniLM embeddings, the HNSW index,
 * transitions), unsigned: what the services' in-process tests serve.
 *
 * @param root    the store's root folder
 * @param mine    {@link #TENANT}'s release
 * @param theirs  {@link #OTHER_TENANT}'s release
 */
public record PublishedReleases(Path root, String mine, String theirs) {
  public static final String TENANT = "default";
  public static final String OTHER_TENANT = "other";

  /** The synthetic data set the releases are built from (the same on every call). */
  public static Dataset dataset() {
    return SyntheticDataset.generate(120, 80, 7);
  }

  public static PublishedReleases twoTenants() throws IOException {
    Path root = Files.createTempDirectory("published-releases");
    Dataset d = dataset();
    Splits splits = Splitter.bigrec(d);
    ReleaseBuilder builder = new ReleaseBuilder(new FileArtifactStore(root), new MiniLmEncoder());
    String mine = publish(builder, TENANT, d, splits);
    String theirs = publish(builder, OTHER_TENANT, d, splits);
    return new PublishedReleases(root, mine, theirs);
  }

  private static String publish(ReleaseBuilder builder, String tenant, Dataset d, Splits splits) throws IOException {
    return builder.publish(ReleaseBuilder.Request.to(tenant, d, splits.train())
        .provenance("test", splits.protocol()).gamma(0.5).producer("in-process test"), n -> { }).release();
  }

  /** The catalogue's item ids in order. */
  public static List<String> itemIds() {
    return dataset().titles().keySet().stream().sorted().toList();
  }

  /**
   * The configuration that serves this store from {@code recsys.<service>.*} in an in-process test: a free port,
   * plaintext, unsigned releases allowed, a short poll; the releases' names as {@code test.release.mine} and
   * {@code test.release.theirs} for the test to read.
   */
  public Map<String, String> serviceConfig(String service) {
    try (ServerSocket free = new ServerSocket(0)) {
      return Map.of(
          "quarkus.http.test-port", String.valueOf(free.getLocalPort()),
          "quarkus.http.insecure-requests", "enabled",
          "quarkus.http.tls-configuration-name", "",
          "recsys.transport.plaintext", "true",
          "recsys." + service + ".store.root", root.toString(),
          "recsys." + service + ".store.allow-unsigned", "true",
          "recsys." + service + ".store.poll-interval", "200ms",
          "test.release.mine", mine,
          "test.release.theirs", theirs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
