package dev.recsys.serving.rpc;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client's TLS material read from PEM files and re-read when they change, checked every
 * {@code period}, so that a renewed client certificate (cert-manager renews them in place) or a
 * new CA bundle is used by the next handshake without a restart; connections already open keep
 * the credentials they were made with.
 *
 * <p>grpc-java's {@link AdvancedTlsX509KeyManager} / {@link AdvancedTlsX509TrustManager} hold the
 * material and {@link CertificateUtils} parses it; the schedule is this class' own, because
 * grpc-java's file watching has a one-minute floor and a tested renewal needs less. The first read
 * happens here, so a missing or malformed file is refused at start-up, by name; a later read
 * that fails (a half-written file, a certificate that does not match its key) is logged and the
 * last good material keeps being used until the files are good again.
 *
 * <p>The trust manager verifies the server's chain against {@code ca} and its host name against
 * the target, as grpc-java's default TLS does; without {@code ca}, the JDK's trusted CAs.
 */
public final class ReloadingClientTls implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ReloadingClientTls.class.getName());

  private final Path ca;
  private final Path cert;
  private final Path key;
  private final String what;
  private final AdvancedTlsX509TrustManager trust;
  private final AdvancedTlsX509KeyManager keys;
  private final ScheduledExecutorService reloader;
  /** The files' modification times and sizes when they were last read (good or not). */
  private volatile String stamp;

  private ReloadingClientTls(Path ca, Path cert, Path key, Duration period, String what) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(what + ": a client certificate and its key go together (got "
          + (cert == null ? "a key without a certificate" : "a certificate without a key") + ")");
    }
    for (Path p : new Path[] {ca, cert, key}) {
      if (p != null && !Files.isRegularFile(p)) {
        throw new IllegalArgumentException(what + ": " + p + " is not a file (PEM expected)");
      }
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException(what + ": the reload period must be positive, got " + period);
    }
    this.ca = ca;
    this.cert = cert;
    this.key = key;
    this.what = what;
    try {
      this.trust = ca == null ? null : AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build();
      this.keys = cert == null ? null : new AdvancedTlsX509KeyManager();
      this.stamp = stamp();
      read();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(what + ": cannot read the TLS files (" + files() + "): " + e, e);
    }
    this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tls-reload");
      t.setDaemon(true);
      return t;
    });
    reloader.scheduleWithFixedDelay(this::reloadIfChanged, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @param ca the servers' CA (PEM), or null for the JDK's trusted CAs
   * @param cert the client certificate (PEM) shown for mutual TLS, or null for none (then {@code key} is null too)
   * @param what the setting these files come from, for messages
   */
  public static ReloadingClientTls of(Path ca, Path cert, Path key, Duration period, String what) {
    return new ReloadingClientTls(ca, cert, key, period, what);
  }

  /** The key manager, or null when no client certificate is shown. */
  public AdvancedTlsX509KeyManager keyManager() {
    return keys;
  }

  /** For {@code Grpc.newChannelBuilder}. */
  public ChannelCredentials credentials() {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    if (trust != null) {
      b.trustManager(trust);
    }
    if (keys != null) {
      b.keyManager(keys);
    }
    return b.build();
  }

  /** For the start-up log. */
  public String describe() {
    return "CA " + (ca == null ? "the JDK's trusted CAs" : ca) + (cert == null ? "" : ", client certificate " + cert)
        + " (re-read when they change)";
  }

  /** Reads every file and installs the material; nothing is installed unless all of it is good. */
  private void read() throws IOException, GeneralSecurityException {
    X509Certificate[] trusted = ca == null ? null : certificates(ca);
    X509Certificate[] chain = null;
    PrivateKey privateKey = null;
    if (cert != null) {
      chain = certificates(cert);
      try (InputStream in = Files.newInputStream(key)) {
        privateKey = CertificateUtils.getPrivateKey(in);
      }
      requireMatch(chain[0], privateKey);
    }
    if (trusted != null) {
      trust.updateTrustCredentials(trusted);
    }
    if (chain != null) {
      keys.updateIdentityCredentials(chain, privateKey);
    }
  }

  void reloadIfChanged() {
    String now = stamp();
    if (now.equals(stamp)) {
      return;
    }
    stamp = now;
    try {
      read();
      LOG.log(System.Logger.Level.INFO, what + ": re-read the TLS files (" + files() + "); new connections use them");
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, what + ": the TLS files changed but cannot be used (" + e
          + "); the previous certificates stay in use until the files are good");
    }
  }

  private static X509Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate[] certs = CertificateUtils.getX509Certificates(in);
      if (certs.length == 0) {
        throw new GeneralSecurityException(file + " holds no certificate");
      }
      return certs;
    }
  }

  /** A certificate and a key of two different pairs (a renewal caught half-way) would fail every handshake. */
  private void requireMatch(X509Certificate certificate, PrivateKey privateKey) throws GeneralSecurityException {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new GeneralSecurityException("key " + key + ": unsupported algorithm " + privateKey.getAlgorithm());
    };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    Signature s = Signature.getInstance(algorithm);
    s.initSign(privateKey);
    s.update(probe);
    byte[] signature = s.sign();
    Signature v = Signature.getInstance(algorithm);
    v.initVerify(certificate.getPublicKey());
    v.update(probe);
    if (!v.verify(signature)) {
      throw new GeneralSecurityException("the key " + key + " is not the key of the certificate " + cert);
    }
  }

  private String stamp() {
    StringBuilder b = new StringBuilder();
    for (Path p : new Path[] {ca, cert, key}) {
      try {
        b.append(p == null ? "-" : Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p)).append(' ');
      } catch (IOException e) {
        b.append("missing ");
      }
    }
    return b.toString();
  }

  private String files() {
    return (ca == null ? "" : "CA " + ca) + (cert == null ? "" : (ca == null ? "" : ", ") + "certificate " + cert
        + ", key " + key);
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
