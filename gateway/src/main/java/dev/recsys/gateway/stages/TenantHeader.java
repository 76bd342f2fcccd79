package dev.recsys.gateway.stages;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** The {@code x-recsys-tenant} header the gateway sets on calls to internal stages (for logs and routing). */
final class TenantHeader {
  static final Metadata.Key<String> KEY = Metadata.Key.of("x-recsys-tenant", Metadata.ASCII_STRING_MARSHALLER);

  private TenantHeader() {}

  static ClientInterceptor of(String tenant) {
    Metadata md = new Metadata();
    md.put(KEY, tenant);
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }
}
