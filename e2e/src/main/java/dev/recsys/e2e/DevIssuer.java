package dev.recsys.e2e;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * The throw-away token issuer of a test or bench stack: an RSA key pair beside the store
 * ({@code <store>.keys/issuer.key|pub}), whose public key {@link LocalStack} gives the gateway,
 * and bearer tokens signed with it (SmallRye JWT Build) for the callers the stack grants.
 */
public final class DevIssuer {
  public static final String ISSUER = "recsys-e2e";
  public static final String AUDIENCE = "recsys-gateway";
  /** The subject {@link LocalStack} grants every tenant. */
  public static final String SUBJECT = "e2e";

  private final Path privateKey;

  private DevIssuer(Path privateKey) {
    this.privateKey = privateKey;
  }

  public static synchronized DevIssuer of(Path store) {
    Path abs = store.toAbsolutePath().normalize();
    Path key = abs.resolveSibling(abs.getFileName() + ".keys").resolve("issuer.key");
    if (!Files.exists(key)) {
      try {
        Files.createDirectories(key.getParent());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        Files.writeString(key.resolveSibling("issuer.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return new DevIssuer(key);
  }

  public Path publicKey() {
    return privateKey.resolveSibling("issuer.pub");
  }

  /** A token for {@code subject}, valid for an hour. */
  public String token(String subject) {
    return token(subject, Instant.now().plusSeconds(3600));
  }

  public String token(String subject, Instant expires) {
    return Jwt.issuer(ISSUER).subject(subject).audience(AUDIENCE).issuedAt(Instant.now().minusSeconds(1))
        .expiresAt(expires).sign(key());
  }

  /** Sends {@code authorization: Bearer <token for subject>} on every call. */
  public ClientInterceptor bearer(String subject) {
    return bearerToken(token(subject));
  }

  public static ClientInterceptor bearerToken(String token) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private PrivateKey key() {
    try {
      String pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(privateKey + ": not an RSA private key", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
        + "-----\n";
  }
}
