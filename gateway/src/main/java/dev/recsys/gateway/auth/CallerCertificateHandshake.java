package dev.recsys.gateway.auth;

import io.quarkus.tls.runtime.TrustStoreAndTrustOptions;
import io.quarkus.tls.runtime.TrustStoreProvider;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust side of the gateway's TLS server ({@code quarkus.tls.server}, with
 * {@code quarkus.http.ssl.client-auth=request}): a caller may present a client certificate, and the
 * handshake takes it once the caller has proved it holds the certificate's key (TLS' own
 * CertificateVerify); whether the certificate is one of the callers' CA is decided per call by
 * {@link ClientCertificates}, so that a refused certificate is answered {@code UNAUTHENTICATED}
 * with the reason, like a bad token, rather than with a reset connection. A caller without a
 * certificate completes the handshake and authenticates with a token.
 *
 * <p>Quarkus' TLS registry uses this bean for the {@code server} configuration because that
 * configuration names no trust store of its own.
 */
@ApplicationScoped
@Identifier("server")
public class CallerCertificateHandshake implements TrustStoreProvider {

  @Override
  public TrustStoreAndTrustOptions getTrustStore(Vertx vertx) {
    try {
      KeyStore empty = KeyStore.getInstance("PKCS12");
      empty.load(null, null);
      return new TrustStoreAndTrustOptions(empty, TrustOptions.wrap(new PresentedCertificates()));
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the gateway's TLS trust for client certificates", e);
    }
  }

  /** Takes any client chain the handshake has proved possession of; never used to trust a server. */
  static final class PresentedCertificates extends X509ExtendedTrustManager {
    private static final X509Certificate[] ANY_ISSUER = new X509Certificate[0];

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("an empty client certificate chain");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the gateway's server trust manager does not verify servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    /** No list of issuers: a caller sends whatever certificate it has, and hears why it was refused. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return ANY_ISSUER;
    }
  }
}
