package dev.recsys.generator.service;

import dev.recsys.trainer.publish.PublishedReleases;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The generator service started in the test's JVM ({@code @QuarkusTest}) on {@link PublishedReleases}. */
public class PublishedStore implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    try {
      return PublishedReleases.twoTenants().serviceConfig("generator");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
