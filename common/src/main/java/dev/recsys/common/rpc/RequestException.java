package dev.recsys.common.rpc;

import io.grpc.Status;

/**
 * A request that cannot be served, with the gRPC status it maps to and a message that says what
 * to fix. The few domain failures of the platform; {@link UnaryCalls} maps them in one place.
 */
public final class RequestException extends RuntimeException {
  private final Status.Code code;

  private RequestException(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public Status.Code code() {
    return code;
  }

  /** INVALID_ARGUMENT: names the field and the rule it breaks. Not retryable. */
  public static RequestException invalid(String field, String problem) {
    return new RequestException(Status.Code.INVALID_ARGUMENT, field + ": " + problem);
  }

  /** NOT_FOUND: the named thing (tenant, release) does not exist. Not retryable. */
  public static RequestException notFound(String message) {
    return new RequestException(Status.Code.NOT_FOUND, message);
  }

  /** PERMISSION_DENIED: the caller may not use the named thing. Not retryable. */
  public static RequestException denied(String message) {
    return new RequestException(Status.Code.PERMISSION_DENIED, message);
  }

  /** UNAVAILABLE: not ready yet or a dependency is down. Retryable with backoff. */
  public static RequestException unavailable(String message) {
    return new RequestException(Status.Code.UNAVAILABLE, message);
  }

  /** RESOURCE_EXHAUSTED: overloaded. Retryable with backoff. */
  public static RequestException exhausted(String message) {
    return new RequestException(Status.Code.RESOURCE_EXHAUSTED, message);
  }
}
