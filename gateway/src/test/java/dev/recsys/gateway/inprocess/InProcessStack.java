package dev.recsys.gateway.inprocess;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseDraft;
import dev.recsys.common.artifact.TestReleases;
import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.CatalogueFile;
import dev.recsys.common.catalog.Item;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The gateway started in the test's JVM ({@code @QuarkusTest}) against {@link FakeStages}: a store
 * with one tenant's catalogue, plaintext hops, callers not authenticated (the auth paths have their
 * own tests), short deadlines. Tests get the fakes through {@link Fakes}.
 */
public class InProcessStack implements QuarkusTestResourceLifecycleManager {
  /** The tenant's catalogue: i1 is the most popular, then i2, i3, ... */
  static final List<Item> ITEMS = List.of(new Item("i1", "Alpha (1990)", 1.0), new Item("i2", "Beta (1991)", 0.8),
      new Item("i3", "Gamma (1999)", 0.6), new Item("i4", "Delta (2001)", 0.4), new Item("i5", "Epsilon (2003)", 0.2),
      new Item("i6", "Zeta (2005)", 0.0));

  /** Marks the test's field that receives the running {@link FakeStages}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  public @interface Fakes {}

  private FakeStages fakes;
  private Path store;
  private int port;

  @Override
  public Map<String, String> start() {
    try {
      fakes = new FakeStages();
      store = Files.createTempDirectory("gateway-inprocess");
      FileArtifactStore artifacts = new FileArtifactStore(store);
      ReleaseDraft draft = artifacts.draft("default");
      CatalogueFile.write(new Catalogue(ITEMS), draft.path(ReleaseLayout.CATALOGUE));
      draft.commit(TestReleases.metadata());
      artifacts.promote("default", "stable", draft.release());
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.ofEntries(
        Map.entry("quarkus.http.test-port", String.valueOf(port)),
        Map.entry("quarkus.http.insecure-requests", "enabled"),
        Map.entry("quarkus.http.tls-configuration-name", ""),
        Map.entry("recsys.transport.plaintext", "true"),
        Map.entry("recsys.gateway.auth.mode", "none"),
        Map.entry("recsys.gateway.store.root", store.toString()),
        Map.entry("recsys.gateway.store.allow-unsigned", "true"),
        Map.entry("recsys.gateway.store.poll-interval", "200ms"),
        Map.entry("recsys.gateway.stage-connect-timeout", "2s"),
        Map.entry("recsys.gateway.generator-deadline", "2s"),
        Map.entry("recsys.gateway.grounding-deadline", "2s"),
        Map.entry("recsys.gateway.stages.generator.host", "127.0.0.1"),
        Map.entry("recsys.gateway.stages.generator.port", String.valueOf(fakes.generatorPort())),
        Map.entry("recsys.gateway.stages.grounding.host", "127.0.0.1"),
        Map.entry("recsys.gateway.stages.grounding.port", String.valueOf(fakes.groundingPort())),
        Map.entry("recsys.gateway.stages.tls.plaintext", "true"));
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(fakes, new TestInjector.AnnotatedAndMatchesType(Fakes.class, FakeStages.class));
  }

  @Override
  public void stop() {
    if (fakes != null) {
      fakes.close();
    }
  }

}
