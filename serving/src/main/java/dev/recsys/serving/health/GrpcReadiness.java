package dev.recsys.serving.health;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;

/**
 * Sets the standard {@code grpc.health.v1} status of a Quarkus gRPC server for the whole server
 * (service name "") and for each named service. Quarkus' readiness probe follows the same
 * storage, so Kubernetes sees NOT_SERVING until the service has a release loaded.
 */
public final class GrpcReadiness {
  private GrpcReadiness() {}

  public static void set(GrpcHealthStorage health, boolean serving, String... services) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, status);
    for (String s : services) {
      health.setStatus(s, status);
    }
  }
}
