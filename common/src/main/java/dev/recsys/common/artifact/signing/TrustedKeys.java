package dev.recsys.common.artifact.signing;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Releases must be signed by one of a set of public keys: PEM files, or folders whose
 * {@code *.pub} / {@code *.pem} files are keys (a Kubernetes ConfigMap mounted as a folder).
 * The files are read again at every check, so a rotation — add the new key, re-sign or publish
 * with it, remove the old one — takes effect without a restart.
 */
public final class TrustedKeys implements ReleaseTrust {
  /** One trusted key and where it was read from. */
  public record Key(String id, PublicKey key, Path file) {}

  private final List<Path> sources;

  public TrustedKeys(List<Path> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no trusted key files given");
    }
    this.sources = List.copyOf(sources);
  }

  /**
   * The keys the sources hold now.
   *
   * @throws ArtifactException when a source is missing, a key file is not an Ed25519 public key,
   *         or there is no key at all
   */
  public List<Key> load() {
    List<Key> keys = new ArrayList<>();
    for (Path source : sources) {
      for (Path f : files(source)) {
        PublicKey k = ReleaseKeys.readPublic(f);
        keys.add(new Key(ReleaseKeys.keyId(k), k, f));
      }
    }
    if (keys.isEmpty()) {
      throw new ArtifactException(sources.getFirst(), "holds no trusted public key (*.pub or *.pem)");
    }
    return keys;
  }

  @Override
  public void check(Path releaseDir, byte[] manifestBytes) {
    Path sigFile = releaseDir.resolve(ReleaseLayout.SIGNATURE);
    ReleaseSignature sig = ReleaseSignature.read(sigFile);
    verify(sigFile, manifestBytes, sig, "against manifest.json",
        "the manifest was altered after it was signed, or the signature is forged");
  }

  @Override
  public void checkPointer(Path pointerFile, byte[] statement, ReleaseSignature sig) {
    if (sig == null) {
      throw new ArtifactException(pointerFile, "the channel pointer is not signed, and this service only follows "
          + "pointers signed by a trusted key (promote with a signing trainer: recsys-trainer publish --signing-key)");
    }
    verify(pointerFile, statement, sig, "against the pointer", "the pointer was altered after it was signed (another release, tenant, "
        + "channel or sequence), or the signature is forged");
  }

  private void verify(Path file, byte[] signed, ReleaseSignature sig, String against, String altered) {
    byte[] signature = sig.bytes(file);
    List<Key> keys = load();
    for (Key k : keys) {
      if (ReleaseKeys.verifies(k.key(), signed, signature)) {
        return;
      }
    }
    boolean known = keys.stream().anyMatch(k -> k.id().equals(sig.keyId()));
    throw new ArtifactException(file, (known
        ? "the signature does not verify " + against + " with key " + sig.keyId() + ": " + altered
        : "signed by key " + sig.keyId() + ", which is not trusted")
        + " (trusted: " + ids(keys) + ")");
  }

  @Override
  public String describe() {
    List<Key> keys = load();
    return "releases must be signed by one of " + keys.size() + " trusted key(s): " + keys.stream()
        .map(k -> k.id() + " (" + k.file() + ")").collect(Collectors.joining(", "));
  }

  private static String ids(List<Key> keys) {
    return keys.stream().map(Key::id).collect(Collectors.joining(", "));
  }

  private static List<Path> files(Path source) {
    if (Files.isRegularFile(source)) {
      return List.of(source);
    }
    if (!Files.isDirectory(source)) {
      throw new ArtifactException(source, "trusted key file or folder does not exist");
    }
    try (Stream<Path> list = Files.list(source)) {
      return list.filter(p -> {
        String n = p.getFileName().toString();
        return (n.endsWith(".pub") || n.endsWith(".pem")) && !n.startsWith(".") && Files.isRegularFile(p);
      }).sorted().toList();
    } catch (IOException e) {
      throw new ArtifactException(source, "cannot list trusted keys (" + e.getMessage() + ")");
    }
  }
}
