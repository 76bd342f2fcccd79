package dev.recsys.generator.triton;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the generator reaches Triton: TLS verifying Triton's certificate with {@code ca} (the JDK's
 * trusted CAs when null) and, for mutual TLS (Triton's {@code --grpc-use-ssl-mutual}), showing
 * the client certificate {@code clientCert}/{@code clientKey}; or plaintext, only when asked for
 * ({@link #PLAINTEXT}: the generator says so at start-up).
 */
public record TritonTransport(boolean plaintext, Path ca, Path clientCert, Path clientKey) {
  public static final TritonTransport PLAINTEXT = new TritonTransport(true, null, null, null);

  public TritonTransport {
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("recsys.generator.triton.tls: client-cert and client-key go together");
    }
    for (Path p : new Path[] {ca, clientCert, clientKey}) {
      if (p != null && !Files.isRegularFile(p)) {
        throw new IllegalArgumentException("recsys.generator.triton.tls: " + p + " is not a file (PEM)");
      }
    }
  }

  /** TLS verifying Triton with {@code ca}, without a client certificate. */
  public static TritonTransport tls(Path ca) {
    return new TritonTransport(false, ca, null, null);
  }

  /** Mutual TLS: verifying Triton with {@code ca}, showing {@code cert}/{@code key}. */
  public static TritonTransport mutual(Path ca, Path cert, Path key) {
    return new TritonTransport(false, ca, cert, key);
  }

  ChannelCredentials credentials() {
    if (plaintext) {
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (ca != null) {
        b.trustManager(ca.toFile());
      }
      if (clientCert != null) {
        b.keyManager(clientCert.toFile(), clientKey.toFile());
      }
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException("recsys.generator.triton.tls: cannot read " + e.getMessage(), e);
    }
  }

  /** For the start-up log. */
  public String describe() {
    if (plaintext) {
      return "Triton over PLAINTEXT (recsys.generator.triton.tls.plaintext=true: development only)";
    }
    return "Triton over TLS (CA " + (ca == null ? "the JDK's trusted CAs" : ca) + (clientCert == null
        ? "" : ", client certificate " + clientCert) + ")";
  }
}
