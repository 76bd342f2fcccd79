package dev.recsys.common.artifact.signing;

import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The release-signing keys: Ed25519 (the JDK's own, no library), stored as PEM — the private key
 * as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey -algorithm ed25519}
 * writes), the public key as X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}).
 */
public final class ReleaseKeys {
  public static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private ReleaseKeys() {}

  /** A fresh key pair from the JDK's default secure random source. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no " + ALGORITHM, e);
    }
  }

  /**
   * A short, stable name of a public key for logs and refusals: the first 16 hex digits of the
   * SHA-256 of its X.509 encoding (what {@code openssl pkey -pubin -outform DER | sha256sum} hashes).
   */
  public static String keyId(PublicKey key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} is {@code key}'s signature of {@code message}. */
  public static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (SignatureException malformed) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot verify " + ALGORITHM + " signatures", e);
    }
  }

  /** Writes the private key, readable by its owner only; an existing file is never overwritten. */
  public static void writePrivate(Path file, PrivateKey key) throws IOException {
    byte[] pem = pem(PRIVATE, key.getEncoded());
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file + " (a signing key is never overwritten; delete it first)");
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
  }

  public static void writePublic(Path file, PublicKey key) throws IOException {
    Files.write(file, pem(PUBLIC, key.getEncoded()));
  }

  /** Reads a PKCS#8 PEM Ed25519 private key; anything else is refused naming the file. */
  public static PrivateKey readPrivate(Path file) {
    byte[] der = unpem(file, PRIVATE);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ArtifactException(file, "not an " + ALGORITHM + " private key (" + e.getMessage() + ")");
    }
  }

  /** Reads an X.509 PEM Ed25519 public key; anything else is refused naming the file. */
  public static PublicKey readPublic(Path file) {
    byte[] der = unpem(file, PUBLIC);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ArtifactException(file, "not an " + ALGORITHM + " public key (" + e.getMessage() + ")");
    }
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] unpem(Path file, String type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read key (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new ArtifactException(file, "not a PEM " + type.toLowerCase() + " (expected a '" + begin + "' block)");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException bad) {
      throw new ArtifactException(file, "the PEM block is not valid base64 (" + bad.getMessage() + ")");
    }
  }
}
