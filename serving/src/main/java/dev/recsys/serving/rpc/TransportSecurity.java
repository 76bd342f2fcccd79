package dev.recsys.serving.rpc;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Every service serves gRPC over TLS unless it runs with the {@code plaintext} profile
 * ({@code QUARKUS_PROFILE=plaintext}, development only). Checked at start-up: without a
 * certificate and without that profile the service does not start, and with it the service says
 * at start-up that it is plaintext. (The TLS settings themselves are Quarkus' TLS registry's, in
 * each service's {@code application.properties}.)
 */
public final class TransportSecurity {
  private static final System.Logger LOG = System.getLogger(TransportSecurity.class.getName());

  private TransportSecurity() {}

  /** @param stage e.g. "grounding"; {@code internal}: the stage requires the gateway's client certificate */
  public static void check(String stage, boolean internal) {
    check(stage, internal, ConfigProvider.getConfig());
  }

  static void check(String stage, boolean internal, Config config) {
    boolean plaintext = config.getOptionalValue("recsys.transport.plaintext", Boolean.class).orElse(false);
    boolean certificate = config.getOptionalValue("recsys.transport.certificate", String.class)
        .filter(s -> !s.isBlank()).isPresent();
    if (plaintext) {
      LOG.log(System.Logger.Level.WARNING, stage + ": gRPC is served in PLAINTEXT (QUARKUS_PROFILE=plaintext): "
          + "requests, tokens and answers cross the network unencrypted" + (internal ? ", and any caller is served" : ""));
      return;
    }
    if (!certificate) {
      throw new IllegalStateException(stage + " serves gRPC over TLS: RECSYS_TLS_CERT and RECSYS_TLS_KEY (its "
          + "certificate and key, PEM)" + (internal ? " and RECSYS_TLS_CLIENT_CA (the CA of the gateway's client "
          + "certificate)" : "") + " are not set; 'recsys-cli dev-certs' makes throw-away ones, or run with "
          + "QUARKUS_PROFILE=plaintext for development without TLS");
    }
    LOG.log(System.Logger.Level.INFO, stage + ": gRPC over TLS" + (internal
        ? ", client certificates of RECSYS_TLS_CLIENT_CA required" : ""));
  }
}
