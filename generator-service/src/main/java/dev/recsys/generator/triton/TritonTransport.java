package dev.recsys.generator.triton;

import dev.recsys.serving.rpc.ReloadingClientTls;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the generator reaches Triton: TLS verifying Triton's certificate with {@code ca} (the JDK's
 * trusted CAs when null) and, for mutual TLS (Triton's {@code --grpc-use-ssl-mutual}), showing
 * the client certificate {@code clientCert}/{@code clientKey}, the files re-read every
 * {@code reloadPeriod} (a renewed certificate is used from the next connection on); or plaintext,
 * only when asked for ({@link #PLAINTEXT}: the generator says so at start-up).
 */
public record TritonTransport(boolean plaintext, Path ca, Path clientCert, Path clientKey, Duration reloadPeriod) {
  public static final Duration DEFAULT_RELOAD_PERIOD = Duration.ofSeconds(60);
  public static final TritonTransport PLAINTEXT = new TritonTransport(true, null, null, null, DEFAULT_RELOAD_PERIOD);

  /** TLS verifying Triton with {@code ca}, without a client certificate. */
  public static TritonTransport tls(Path ca) {
    return new TritonTransport(false, ca, null, null, DEFAULT_RELOAD_PERIOD);
  }

  /** Mutual TLS: verifying Triton with {@code ca}, showing {@code cert}/{@code key}. */
  public static TritonTransport mutual(Path ca, Path cert, Path key) {
    return new TritonTransport(false, ca, cert, key, DEFAULT_RELOAD_PERIOD);
  }

  /** Reads the files (refusing a missing or malformed one, named) and keeps re-reading them; null when plaintext. */
  ReloadingClientTls open() {
    return plaintext ? null : ReloadingClientTls.of(ca, clientCert, clientKey, reloadPeriod, "recsys.generator.triton.tls");
  }

  /** For the start-up log. */
  public String describe() {
    if (plaintext) {
      return "Triton over PLAINTEXT (recsys.generator.triton.tls.plaintext=true: development only)";
    }
    return "Triton over TLS (CA " + (ca == null ? "the JDK's trusted CAs" : ca) + (clientCert == null
        ? "" : ", client certificate " + clientCert) + ", re-read every " + reloadPeriod + ")";
  }
}
