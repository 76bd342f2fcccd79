package dev.recsys.common.artifact.signing;

import dev.recsys.common.artifact.ArtifactException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/** Signs release manifests with the trainer's private key (the key never leaves the trainer). */
public final class ReleaseSigner {
  private final PrivateKey key;
  private final String keyId;

  private static final byte[] PROBE = "recsys release key pair check".getBytes(StandardCharsets.US_ASCII);

  /**
   * @param key     the private key
   * @param public_ its public half, for the key id written beside each signature
   * @throws IllegalArgumentException when the two are not one pair
   */
  public ReleaseSigner(PrivateKey key, PublicKey public_) {
    this.key = key;
    this.keyId = ReleaseKeys.keyId(public_);
    if (!ReleaseKeys.verifies(public_, PROBE, Base64.getDecoder().decode(sign(PROBE).signature()))) {
      throw new IllegalArgumentException("the private key and the public key " + keyId + " are not one pair");
    }
  }

  /**
   * Reads the private key and its public half from {@link #publicKeyFile}: {@code keygen} writes
   * both; for a key made with openssl, {@code openssl pkey -in k.key -pubout -out k.pub}.
   */
  public static ReleaseSigner fromFile(Path privateKey) {
    Path pub = publicKeyFile(privateKey);
    if (!Files.isRegularFile(pub)) {
      throw new ArtifactException(privateKey, "its public key " + pub.getFileName() + " is missing beside it "
          + "(openssl pkey -in " + privateKey.getFileName() + " -pubout -out " + pub.getFileName() + ")");
    }
    try {
      return new ReleaseSigner(ReleaseKeys.readPrivate(privateKey), ReleaseKeys.readPublic(pub));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(privateKey, e.getMessage() + " (" + pub + ")");
    }
  }

  /** {@code signing.key} -> {@code signing.pub} in the same folder. */
  public static Path publicKeyFile(Path privateKey) {
    String name = privateKey.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return privateKey.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".pub");
  }

  public String keyId() {
    return keyId;
  }

  public ReleaseSignature sign(byte[] manifest) {
    try {
      Signature s = Signature.getInstance(ReleaseKeys.ALGORITHM);
      s.initSign(key);
      s.update(manifest);
      return new ReleaseSignature(ReleaseSignature.FORMAT_VERSION, ReleaseKeys.ALGORITHM, keyId,
          Base64.getEncoder().encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with an " + ReleaseKeys.ALGORITHM + " key", e);
    }
  }
}
