package dev.recsys.e2e;

import dev.recsys.cli.dev.DevIssuerKeys;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The throw-away token issuer of a test or bench stack ({@link DevIssuerKeys} beside the store,
 * {@code <store>.keys/issuer.key|pub}), whose public key {@link LocalStack} gives the gateway,
 * and bearer tokens signed with it for the callers the stack grants.
 */
public final class DevIssuer {
  public static final String ISSUER = "recsys-e2e";
  public static final String AUDIENCE = "recsys-gateway";
  /** The subject {@link LocalStack} grants every tenant. */
  public static final String SUBJECT = "e2e";

  private final Path dir;

  private DevIssuer(Path dir) {
    this.dir = dir;
  }

  public static synchronized DevIssuer of(Path store) {
    Path dir = DevKeys.folder(store);
    try {
      if (!Files.exists(dir.resolve(DevIssuerKeys.PRIVATE))) {
        DevIssuerKeys.write(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DevIssuer(dir);
  }

  public Path publicKey() {
    return dir.resolve(DevIssuerKeys.PUBLIC);
  }

  /** A token for {@code subject}, valid for an hour. */
  public String token(String subject) {
    return token(subject, Instant.now().plusSeconds(3600));
  }

  public String token(String subject, Instant expires) {
    try {
      return DevIssuerKeys.token(dir.resolve(DevIssuerKeys.PRIVATE), ISSUER, subject, AUDIENCE, expires);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
}
