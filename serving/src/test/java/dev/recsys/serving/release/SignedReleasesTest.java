package dev.recsys.serving.release;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.Checksums;
import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseLoader;
import dev.recsys.common.artifact.TestReleases;
import dev.recsys.common.artifact.signing.ReleaseKeys;
import dev.recsys.common.artifact.signing.ReleaseSignature;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import dev.recsys.common.artifact.signing.TrustedKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Releases signed by the trainer, verified by the services' store, refused like corrupt ones otherwise. */
class SignedReleasesTest {
  @TempDir Path root;
  @TempDir Path keys;

  ReleaseSigner signer(String name) throws IOException {
    KeyPair pair = ReleaseKeys.generate();
    ReleaseKeys.writePrivate(keys.resolve(name + ".key"), pair.getPrivate());
    ReleaseKeys.writePublic(keys.resolve(name + ".pub"), pair.getPublic());
    return ReleaseSigner.fromFile(keys.resolve(name + ".key"));
  }

  FileArtifactStore trustingKeysFolder() {
    return new FileArtifactStore(root).trusting(new TrustedKeys(List.of(keys)));
  }

  @Test
  void aReleaseSignedByATrustedKeyVerifies_andItsSignatureSitsBesideTheManifest() throws IOException {
    ReleaseSigner trainer = signer("current");
    String r = TestReleases.publish(new FileArtifactStore(root).signingWith(trainer), "acme", "one");
    Path dir = new FileArtifactStore(root).releaseDir("acme", r);

    assertThat(trustingKeysFolder().verify("acme", r).release()).isEqualTo(r);
    assertThat(new FileArtifactStore(root).trusting(new TrustedKeys(List.of(keys.resolve("current.pub"))))
        .verify("acme", r).release()).isEqualTo(r);
    ReleaseSignature sig = ReleaseSignature.read(dir.resolve(ReleaseLayout.SIGNATURE));
    assertThat(sig.keyId()).isEqualTo(trainer.keyId()).hasSize(16);
    assertThat(sig.bytes(dir)).hasSize(64);
    assertThat(Files.readString(keys.resolve("current.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(keys.resolve("current.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
  }

  @Test
  void anUnsignedReleaseIsRefused_namingTheMissingSignature() throws IOException {
    signer("current");
    String r = TestReleases.publish(new FileArtifactStore(root), "acme", "one");

    assertThatThrownBy(() -> trustingKeysFolder().verify("acme", r))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("manifest.sig: missing: the release is not signed")
        .hasMessageContaining("--signing-key");
  }

  @Test
  void aReleaseSignedByAnUntrustedKeyIsRefused_namingBothKeys() throws IOException {
    ReleaseSigner trusted = signer("current");
    KeyPair stranger = ReleaseKeys.generate();
    ReleaseSigner other = new ReleaseSigner(stranger.getPrivate(), stranger.getPublic());
    String r = TestReleases.publish(new FileArtifactStore(root).signingWith(other), "acme", "one");

    assertThatThrownBy(() -> trustingKeysFolder().verify("acme", r))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("signed by key " + other.keyId() + ", which is not trusted")
        .hasMessageContaining("trusted: " + trusted.keyId());
  }

  @Test
  void aManifestAlteredAfterSigningIsRefused_evenWithItsFilesConsistent() throws IOException {
    ReleaseSigner trainer = signer("current");
    String r = TestReleases.publish(new FileArtifactStore(root).signingWith(trainer), "acme", "one");
    Path dir = root.resolve("tenants/acme/releases/" + r);
    // An attacker with write access rewrites a file and the manifest's checksum of it.
    Files.writeString(dir.resolve("a.txt"), "evil");
    String manifest = Files.readString(dir.resolve("manifest.json"));
    String sha = Checksums.sha256(dir.resolve("a.txt"));
    Files.writeString(dir.resolve("manifest.json"), manifest
        .replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + sha + "\"")
        .replaceAll("\"bytes\" : 3", "\"bytes\" : 4"));
    assertThat(new FileArtifactStore(root).verify("acme", r).files().get("a.txt").sha256()).isEqualTo(sha);

    assertThatThrownBy(() -> trustingKeysFolder().verify("acme", r))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("does not verify against manifest.json with key " + trainer.keyId());
  }

  @Test
  void rotation_bothKeysTrustedWhileBothExist_theOldOneRefusedOnceItsFileIsRemoved() throws IOException {
    ReleaseSigner old = signer("old");
    ReleaseSigner current = signer("current");
    String byOld = TestReleases.publish(new FileArtifactStore(root).signingWith(old), "acme", "one");
    String byNew = TestReleases.publish(new FileArtifactStore(root).signingWith(current), "acme", "two");
    FileArtifactStore store = trustingKeysFolder();
    assertThat(store.verify("acme", byOld).release()).isEqualTo(byOld);
    assertThat(store.verify("acme", byNew).release()).isEqualTo(byNew);

    Files.delete(keys.resolve("old.pub"));

    assertThatThrownBy(() -> store.verify("acme", byOld)).hasMessageContaining("which is not trusted");
    assertThat(store.verify("acme", byNew).release()).isEqualTo(byNew);
  }

  /** A listener that writes "loaded R" / "refused R: why" into {@code events}. */
  static ReleaseWatcher.Listener recording(List<String> events) {
    return new ReleaseWatcher.Listener() {
      @Override
      public void loaded(String tenant, String release, Duration took) {
        events.add("loaded " + release);
      }

      @Override
      public void refused(String tenant, String release, Exception why) {
        events.add("refused " + release + ": " + why.getMessage());
      }
    };
  }

  @Test
  void theWatcherRefusesAnUnsignedRelease_andKeepsServingTheSignedOne() throws IOException {
    ReleaseSigner trainer = signer("current");
    FileArtifactStore trainerStore = new FileArtifactStore(root).signingWith(trainer);
    String r1 = TestReleases.publish(trainerStore, "acme", "one");
    trainerStore.promote("acme", "stable", r1);
    List<String> events = new ArrayList<>();
    ReleaseWatcher.Listener listener = recording(events);
    ReleaseLoader<String> read = (tenant, release) -> Files.readString(release.file("a.txt"));
    try (ReleaseWatcher<String> w = new ReleaseWatcher<>(trustingKeysFolder(), "stable", read, listener)) {
      w.pollOnce();
      String unsigned = TestReleases.publish(new FileArtifactStore(root), "acme", "crafted");
      new FileArtifactStore(root).promote("acme", "stable", unsigned);
      w.pollOnce();

      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("one");
      assertThat(events).hasSize(2);
      assertThat(events.get(1)).startsWith("refused (channel stable)").contains("the channel pointer is not signed");
      w.pollOnce();
      assertThat(events).as("told once, not at every poll").hasSize(2);

      // a signed pointer to an unsigned release: refused at the release's missing manifest.sig
      trainerStore.promote("acme", "stable", unsigned);
      w.pollOnce();
      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("one");
      assertThat(events.get(2)).startsWith("refused " + unsigned).contains("not signed");
    }
  }

  @Test
  void aTamperedOrReplayedChannelPointer_isRefused_whileASignedRollbackIsFollowed() throws Exception {
    ReleaseSigner trainer = signer("current");
    FileArtifactStore trainerStore = new FileArtifactStore(root).signingWith(trainer);
    String r1 = TestReleases.publish(trainerStore, "acme", "one");
    String r2 = TestReleases.publish(trainerStore, "acme", "two");
    Path pointer = root.resolve("tenants/acme/channels/stable");
    trainerStore.promote("acme", "stable", r1);
    String oldPointer = Files.readString(pointer);
    List<String> events = new ArrayList<>();
    ReleaseWatcher.Listener listener = recording(events);
    ReleaseLoader<String> read = (tenant, release) -> Files.readString(release.file("a.txt"));
    try (ReleaseWatcher<String> w = new ReleaseWatcher<>(trustingKeysFolder(), "stable", read, listener)) {
      w.pollOnce();
      trainerStore.promote("acme", "stable", r2);
      w.pollOnce();
      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("two");

      // the pointer edited to name another release: its signature no longer holds
      Files.writeString(pointer, Files.readString(pointer).replace(r2, r1));
      w.pollOnce();
      assertThat(events.getLast()).contains("does not verify against the pointer");
      // the old signed pointer file put back: a rollback nobody signed
      Files.writeString(pointer, oldPointer);
      w.pollOnce();
      assertThat(events.getLast()).startsWith("refused " + r1).contains("older than the pointer already followed");
      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("two");

      // the trainer rolls back on purpose: a new signed pointer to the old release
      trainerStore.promote("acme", "stable", r1);
      w.pollOnce();
      assertThat(w.current("acme").orElseThrow().value()).isEqualTo("one");
      assertThat(events.getLast()).isEqualTo("loaded " + r1);
    }
  }

  @Test
  void aPointerOfAnOlderStore_oneLineWithTheReleaseId_isReadAsUnsigned() throws Exception {
    String r1 = TestReleases.publish(new FileArtifactStore(root).signingWith(signer("current")), "acme", "one");
    Path pointer = root.resolve("tenants/acme/channels/stable");
    Files.createDirectories(pointer.getParent());
    Files.writeString(pointer, r1 + "\n");
    assertThat(new FileArtifactStore(root).pointer("acme", "stable")).contains(r1);
    assertThatThrownBy(() -> trustingKeysFolder().pointer("acme", "stable")).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("the channel pointer is not signed");
  }

  @Test
  void badKeysAreRefusedNamingTheFile() throws IOException {
    Path notAKey = keys.resolve("note.pub");
    Files.writeString(notAKey, "hello");
    assertThatThrownBy(() -> new TrustedKeys(List.of(keys)).load())
        .hasMessageContaining("note.pub").hasMessageContaining("not a PEM public key");
    Files.delete(notAKey);
    assertThatThrownBy(() -> new TrustedKeys(List.of(keys)).load()).hasMessageContaining("holds no trusted public key");
    assertThatThrownBy(() -> new TrustedKeys(List.of(keys.resolve("absent"))).load())
        .hasMessageContaining("absent: trusted key file or folder does not exist");
    // A key of another algorithm (an RSA public key) is refused.
    java.security.KeyPairGenerator rsa;
    try {
      rsa = java.security.KeyPairGenerator.getInstance("RSA");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    rsa.initialize(1024);
    Files.writeString(keys.resolve("rsa.pub"), "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder()
        .encodeToString(rsa.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n",
        StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> new TrustedKeys(List.of(keys)).load())
        .hasMessageContaining("rsa.pub").hasMessageContaining("not an Ed25519 public key");
  }

  @Test
  void aSignerWhosePublicKeyIsNotItsPairIsRefused_andAKeyIsNeverOverwritten() throws IOException {
    KeyPair a = ReleaseKeys.generate();
    KeyPair b = ReleaseKeys.generate();
    assertThatThrownBy(() -> new ReleaseSigner(a.getPrivate(), b.getPublic())).hasMessageContaining("are not one pair");
    ReleaseKeys.writePrivate(keys.resolve("k.key"), a.getPrivate());
    assertThatThrownBy(() -> ReleaseKeys.writePrivate(keys.resolve("k.key"), b.getPrivate()))
        .hasMessageContaining("never overwritten");
    assertThatThrownBy(() -> ReleaseSigner.fromFile(keys.resolve("k.key")))
        .hasMessageContaining("its public key k.pub is missing beside it");
  }

  @Test
  void aMalformedSignatureFileIsRefused() throws IOException {
    ReleaseSigner trainer = signer("current");
    String r = TestReleases.publish(new FileArtifactStore(root).signingWith(trainer), "acme", "one");
    Path sig = root.resolve("tenants/acme/releases/" + r + "/manifest.sig");
    Files.writeString(sig, "{\"format_version\":1,\"algorithm\":\"RSA\",\"signature\":\"AA==\"}");
    assertThatThrownBy(() -> trustingKeysFolder().verify("acme", r)).hasMessageContaining("algorithm RSA is not supported");
    Files.writeString(sig, "not json");
    assertThatThrownBy(() -> trustingKeysFolder().verify("acme", r)).hasMessageContaining("malformed signature file");
    Files.writeString(sig, "{\"format_version\":1,\"algorithm\":\"Ed25519\",\"signature\":\"%%%\"}");
    assertThatThrownBy(() -> trustingKeysFolder().verify("acme", r)).hasMessageContaining("not valid base64");
  }
}
