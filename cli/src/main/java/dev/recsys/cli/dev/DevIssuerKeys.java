package dev.recsys.cli.dev;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;

/**
 * A throw-away bearer-token issuer for development and tests: an RSA-2048 pair
 * ({@code issuer.key}, PKCS#8 PEM readable by its owner only; {@code issuer.pub}, what the
 * gateway's {@code recsys.gateway.auth.jwt.public-key-location} reads) and RS256 tokens signed
 * with it (SmallRye JWT Build). Production tokens come from the platform's identity provider.
 */
public final class DevIssuerKeys {
  public static final String PRIVATE = "issuer.key";
  public static final String PUBLIC = "issuer.pub";

  private DevIssuerKeys() {}

  /** Writes a new pair into {@code dir}; an existing pair is never overwritten. */
  public static void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve(PRIVATE);
    Path pub = dir.resolve(PUBLIC);
    if (Files.exists(key) || Files.exists(pub)) {
      throw new FileAlreadyExistsException(key + " or " + pub + " exists: an issuer key is never overwritten");
    }
    KeyPair pair;
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      pair = rsa.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Files.writeString(pub, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()));
    Pem.writePrivate(key, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
  }

  /** An RS256 token signed with the private key in {@code privateKey}. */
  public static String token(Path privateKey, String issuer, String subject, String audience, Instant expires)
      throws IOException {
    try {
      var k = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(privateKey, "PRIVATE KEY")));
      return Jwt.issuer(issuer).subject(subject).audience(audience).issuedAt(Instant.now().minusSeconds(1))
          .expiresAt(expires).sign(k);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(privateKey + ": not an RSA private key (" + e.getMessage() + ")", e);
    }
  }
}
