package dev.recsys.e2e;

import dev.recsys.common.artifact.signing.ReleaseKeys;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

/**
 * The throw-away release-signing pair of a test or bench store: made on first use in the folder
 * beside the store ({@code <store>.keys/}, never inside it: whoever can write the store must not
 * find the key there). {@link Releases} signs with it, {@link LocalStack} trusts it.
 */
public final class DevKeys {
  private final Path privateKey;

  private DevKeys(Path privateKey) {
    this.privateKey = privateKey;
  }

  /** The folder beside a store that holds its throw-away keys and certificates: {@code <store>.keys/}. */
  public static Path folder(Path store) {
    Path abs = store.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + ".keys");
  }

  public static synchronized DevKeys of(Path store) {
    Path key = folder(store).resolve("release-signing.key");
    if (!Files.exists(key)) {
      try {
        Files.createDirectories(key.getParent());
        KeyPair pair = ReleaseKeys.generate();
        ReleaseKeys.writePrivate(key, pair.getPrivate());
        ReleaseKeys.writePublic(ReleaseSigner.publicKeyFile(key), pair.getPublic());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new DevKeys(key);
  }

  public ReleaseSigner signer() {
    return ReleaseSigner.fromFile(privateKey);
  }

  public Path publicKey() {
    return ReleaseSigner.publicKeyFile(privateKey);
  }
}
