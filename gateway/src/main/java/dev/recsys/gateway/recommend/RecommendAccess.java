package dev.recsys.gateway.recommend;

import dev.recsys.gateway.auth.Caller;
import dev.recsys.gateway.auth.ClientCertificates;
import dev.recsys.gateway.auth.Credentials;
import dev.recsys.gateway.catalog.CatalogueRegistry;
import dev.recsys.gateway.tenancy.TenantPolicy;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.serving.rpc.RequestException;
import dev.recsys.serving.rpc.UnaryCalls;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Applies the {@link TenantPolicy} to every Recommend call before the handler sees it: the caller
 * is authenticated from its headers and its TLS client certificate (UNAUTHENTICATED), then, once the request is read, checked
 * against its grant for the request's tenant (PERMISSION_DENIED) and that tenant's quota
 * (RESOURCE_EXHAUSTED with a retry hint). A refused call is closed here; nothing of it reaches
 * the stages.
 */
final class RecommendAccess implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TenantPolicy policy;
  private final CatalogueRegistry catalogues;

  RecommendAccess(TenantPolicy policy, CatalogueRegistry catalogues) {
    this.policy = policy;
    this.catalogues = catalogues;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Caller caller;
    try {
      caller = policy.authenticate(new Credentials(headers.get(AUTHORIZATION), peerCertificates(call)));
    } catch (RequestException e) {
      close(call, e);
      return new ServerCall.Listener<>() { };
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        if (message instanceof RecommendRequest req) {
          try {
            policy.admit(caller, req.getTenant(), catalogues.current(req.getTenant()).isPresent());
          } catch (RequestException e) {
            refused = true;
            close(call, e);
            return;
          }
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  /** The client certificate chain of the call's TLS connection; empty without TLS or without one. */
  static List<X509Certificate> peerCertificates(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return List.of();
    }
    try {
      return ClientCertificates.x509(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException none) {
      return List.of();
    }
  }

  private static void close(ServerCall<?, ?> call, RequestException e) {
    call.close(UnaryCalls.toStatus(e), e.trailers());
  }
}
