package dev.recsys.grounding.service;

import dev.recsys.trainer.publish.PublishedReleases;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The grounding service started in the test's JVM ({@code @QuarkusTest}) on {@link PublishedReleases}, served in
 * plaintext and unsigned (the TLS and signature paths have their own tests). The releases' names reach the test as
 * {@code test.release.mine} / {@code test.release.theirs}.
 */
public class PublishedStore implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    try (ServerSocket free = new ServerSocket(0)) {
      PublishedReleases store = PublishedReleases.twoTenants();
      return Map.of(
          "quarkus.http.test-port", String.valueOf(free.getLocalPort()),
          "quarkus.http.insecure-requests", "enabled",
          "quarkus.http.tls-configuration-name", "",
          "recsys.transport.plaintext", "true",
          "recsys.grounding.store.root", store.root().toString(),
          "recsys.grounding.store.allow-unsigned", "true",
          "recsys.grounding.store.poll-interval", "200ms",
          "test.release.mine", store.mine(),
          "test.release.theirs", store.theirs());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
