package dev.recsys.e2e;

import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.common.artifact.ReleaseDraft;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.sequential.SasRecConfig;
import dev.recsys.ranking.sequential.SasRecFile;
import dev.recsys.ranking.sequential.SasRecModel;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.Splits;
import io.grpc.StatusRuntimeException;
import java.io.RandomAccessFile;
import dev.recsys.common.artifact.signing.ReleaseKeys;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import java.nio.file.Files;
import java.security.KeyPair;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes new releases while requests flow through the gateway: every request must succeed,
 * the new snapshot must take over, and broken releases (a corrupt snapshot, vectors of another
 * encoder, a sequential model made for another catalogue, a release nobody signed, one signed by an
 * untrusted key) must be refused while the last good one
 * keeps serving.
 */
class HotSwapEndToEndTest {
  @TempDir Path dir;

  /** Client threads that call Recommend until stopped, recording every outcome. */
  static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger total = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Set<String> snapshots = ConcurrentHashMap.newKeySet();
    volatile String lastSnapshot = "";
    final List<Thread> threads;

    final Set<String> backends = ConcurrentHashMap.newKeySet();

    Load(StackFixture fx, List<Sample> samples, int clients) {
      threads = java.util.stream.IntStream.range(0, clients).mapToObj(c -> Thread.ofPlatform().start(() -> {
        int i = c;
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos(); // bounded even if never stopped
        while (running.get() && System.nanoTime() < end) {
          Sample s = samples.get(i++ % samples.size());
          total.incrementAndGet();
          try {
            RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant("default")
                .addAllHistory(s.history()).setK(10).build());
            String adapter = r.getServedBy().getAdapterVersion();
            if (r.getDegraded() || r.getItemsCount() != 10) {
              failures.add("degraded or short: " + r.getDegradedReason() + " items=" + r.getItemsCount());
            } else if (!adapter.equals(r.getServedBy().getSnapshotVersion())) {
              failures.add("mixed releases: adapter " + adapter + " with snapshot " + r.getServedBy().getSnapshotVersion());
            } else {
              ok.incrementAndGet();
              snapshots.add(r.getServedBy().getSnapshotVersion());
              backends.add(r.getServedBy().getGeneratorBackend());
              lastSnapshot = r.getServedBy().getSnapshotVersion();
            }
          } catch (StatusRuntimeException e) {
            failures.add(e.getStatus().toString());
          }
        }
      })).toList();
    }

    void awaitSnapshot(String release) throws InterruptedException {
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!snapshots.contains(release) && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(snapshots).as("responses served by the new release").contains(release);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  /** Points the channel at a release without the store's checks (promote would refuse a corrupt one), signed. */
  static void forcePointer(Path store, String release) throws Exception {
    Path channels = store.resolve("tenants/default/channels");
    Path tmp = channels.resolve(".forced.tmp");
    long sequence = System.currentTimeMillis();
    var pointer = new dev.recsys.common.artifact.ChannelPointer(release, sequence, DevKeys.of(store).signer()
        .sign(dev.recsys.common.artifact.ChannelPointer.statement("default", "stable", release, sequence)));
    Files.write(tmp, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(pointer));
    Files.move(tmp, channels.resolve("stable"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void swapsUnderLoad_withZeroFailedRequests_andRefusesBrokenSnapshots() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    ReleaseManifest[] first = new ReleaseManifest[1];
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(200),
        r -> first[0] = r.publish("default", d, splits, 0.0))) {
      Path store = dir.resolve("store");
      String good;
      Load load = new Load(fx, splits.test(), 3);
      try (load) {
        load.awaitSnapshot(first[0].release());
        good = first[0].release();
        for (int i = 1; i <= 3; i++) {
          good = fx.releases.publish("default", d, splits, i).release();
          load.awaitSnapshot(good);
        }

        // 1. a corrupt snapshot: checksum no longer matches the manifest
        // published to another channel, so that no service loads it before it is corrupted (publishing to stable and
        // moving the pointer back raced with the 200 ms poll on a busy machine: the intact release got loaded)
        String corrupt = fx.releases.publish("default", "staging", d, splits, 9).release();
        Path snap = fx.releases.store().releaseDir("default", corrupt).resolve(ReleaseLayout.EMBEDDINGS);
        try (RandomAccessFile raf = new RandomAccessFile(snap.toFile(), "rw")) {
          raf.seek(raf.length() - 8);
          raf.writeLong(0x7fc00000_7fc00000L);
        }
        forcePointer(store, corrupt);

        // 2. an inconsistent one: checksums fine, but 8-d vectors from another encoder
        Thread.sleep(1000);
        ReleaseDraft draft = fx.releases.store().draft("default");
        Files.copy(fx.releases.store().releaseDir("default", good).resolve(ReleaseLayout.CATALOGUE),
            draft.path(ReleaseLayout.CATALOGUE));
        int n = d.titles().size();
        SnapshotFile.write(EmbeddingMatrix.of("other-encoder", new float[n][8]), draft.path(ReleaseLayout.EMBEDDINGS));
        ReleaseManifest bad = draft.commit(new ReleaseManifest(0, null, null, null, "test", "other-encoder", 8, n,
            Map.of(), Map.of(), null));
        fx.releases.store().promote("default", "stable", bad.release());

        // 3. a release serving SASRec whose model file was made for another catalogue (one item more)
        Thread.sleep(1000);
        ReleaseDraft seq = fx.releases.store().draft("default");
        Path goodDir = fx.releases.store().releaseDir("default", good);
        for (String f : List.of(ReleaseLayout.CATALOGUE, ReleaseLayout.EMBEDDINGS)) {
          Files.copy(goodDir.resolve(f), seq.path(f));
        }
        List<String> otherIds = new java.util.ArrayList<>(d.titles().keySet());
        otherIds.add("not-in-this-catalogue");
        DjlDefaults.apply();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
          SasRecModel model = new SasRecModel(new SasRecConfig(otherIds.size(), 4, 8, 1, 1, 0));
          model.initialize(m);
          SasRecFile.write(model, otherIds, seq.path(ReleaseLayout.SASREC));
        }
        ReleaseManifest sasrecRelease = seq.commit(new ReleaseManifest(0, null, null, null, "test",
            first[0].encoder(), first[0].dimension(), n, Map.of(), ServingPipeline.sequential("sasrec").toParams(),
            null));
        fx.releases.store().promote("default", "stable", sasrecRelease.release());

        // 4. a release intact in every file but signed by nobody (its channel pointer neither: refused at the
        // pointer), 5. one signed by a key the services do not trust (the pointer too)
        Thread.sleep(1000);
        String unsigned = fx.releases.unsigned().publish("default", d, splits, 5).release();
        Thread.sleep(1000);
        KeyPair stranger = ReleaseKeys.generate();
        String untrusted = fx.releases.signedBy(new ReleaseSigner(stranger.getPrivate(), stranger.getPublic()))
            .publish("default", d, splits, 6).release();
        Thread.sleep(1500);
        load.ok.set(0);
        Thread.sleep(1000);
        assertThat(load.ok.get()).as("requests still succeed after the refusals").isPositive();
        assertThat(load.lastSnapshot).isEqualTo(good);
        assertThat(load.snapshots).doesNotContain(corrupt, bad.release(), sasrecRelease.release(), unsigned, untrusted);
      }
      System.out.printf("hot swap under load: %d requests, %d failed, %d releases served%n", load.total.get(),
          load.failures.size(), load.snapshots.size());
      assertThat(load.failures).as("failed requests during the swaps").isEmpty();
      assertThat(load.snapshots).hasSize(4);
      String metrics = fx.stack.http("grounding", "/q/metrics");
      // exactly the four good releases were loaded, each once, and nothing else
      List<String> loads = Files.readAllLines(fx.stack.log("grounding")).stream().filter(l -> l.contains("now serves release"))
          .toList();
      assertThat(loads).hasSize(4);
      assertThat(loads.get(0)).contains(first[0].release());
      assertThat(loads.get(3)).contains(good);
      assertThat(metrics).containsPattern("recsys_release_reloads_total\\{[^}]*outcome=\"refused\"[^}]*stage=\"grounding\"[^}]*} 5\\.0");
      for (String stage : List.of("gateway", "generator")) {
        assertThat(fx.stack.http(stage, "/q/metrics")).as(stage + " refuses the unsigned and the untrusted release")
            .containsPattern("recsys_release_reloads_total\\{[^}]*outcome=\"refused\"[^}]*stage=\"" + stage + "\"[^}]*} [2-5]\\.0");
        assertThat(Files.readString(fx.stack.log(stage))).contains("the channel pointer is not signed")
            .contains("which is not trusted");
      }
      // and counted: all four, the start-up load included
      assertThat(metrics).containsPattern("recsys_release_reloads_total\\{[^}]*outcome=\"loaded\"[^}]*stage=\"grounding\"[^}]*} 4\\.0");
      assertThat(Files.readString(fx.stack.log("grounding"))).contains("refused release").contains("corrupt")
          .contains("made by encoder 'other-encoder'").contains(ReleaseLayout.SASREC)
          .contains("the channel pointer is not signed").contains("which is not trusted")
          .contains("releases must be signed by one of 1 trusted key(s)");
    }
  }
}
