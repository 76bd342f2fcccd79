package dev.recsys.serving.rpc;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;

/**
 * A request that cannot be served, with the gRPC status it maps to and a message that says what
 * to fix. The few domain failures of the platform; {@link UnaryCalls} maps them in one place.
 */
public final class RequestException extends RuntimeException {
  /** Trailer listing the releases a stage has loaded (comma-separated, current first). */
  public static final Metadata.Key<String> LOADED_RELEASES =
      Metadata.Key.of("x-recsys-loaded-releases", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * gRPC's retry pushback trailer (gRFC A6): how many milliseconds a caller should wait before it
   * retries; grpc-java's and grpc-go's built-in retries honour it.
   */
  public static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final Status.Code code;
  private final List<String> loadedReleases;
  private final long retryAfterMillis;

  private RequestException(Status.Code code, String message) {
    this(code, message, List.of(), -1);
  }

  private RequestException(Status.Code code, String message, List<String> loadedReleases, long retryAfterMillis) {
    super(capped(message));
    this.code = code;
    this.loadedReleases = List.copyOf(loadedReleases);
    this.retryAfterMillis = retryAfterMillis;
  }

  /**
   * The longest message sent: the status message travels in an HTTP/2 trailer, and one over the
   * peer's header limit (8 KiB by default) resets the stream, which the caller sees as INTERNAL.
   */
  public static final int MAX_MESSAGE = 1024;
  /** The most characters of a caller's value quoted back in a message ({@link #quote}). */
  public static final int MAX_QUOTED = 64;

  /**
   * A value the caller sent, quoted for a message: as it is when short and printable; otherwise its
   * first characters (control characters escaped as backslash-u and four hex digits), and how long
   * it was, e.g.
   * {@code 'aaaa…' (100000 characters)}.
   */
  public static String quote(String value) {
    StringBuilder b = new StringBuilder("'");
    int n = Math.min(value.length(), MAX_QUOTED);
    if (n < value.length() && Character.isHighSurrogate(value.charAt(n - 1))) {
      n--; // never cut a surrogate pair in two
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > n) {
      return b.append("…' (").append(value.length()).append(" characters)").toString();
    }
    return b.append('\'').toString();
  }

  private static String capped(String message) {
    return message.length() <= MAX_MESSAGE ? message
        : message.substring(0, MAX_MESSAGE - 20) + "… (message cut)";
  }

  public Status.Code code() {
    return code;
  }

  /** Trailers that go with the status (the loaded releases, for a release that is not loaded). */
  public Metadata trailers() {
    Metadata m = new Metadata();
    if (!loadedReleases.isEmpty()) {
      m.put(LOADED_RELEASES, String.join(",", loadedReleases));
    }
    if (retryAfterMillis >= 0) {
      m.put(RETRY_PUSHBACK_MS, Long.toString(retryAfterMillis));
    }
    return m;
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

  /**
   * FAILED_PRECONDITION: the release a request is pinned to is not loaded by this stage (a rollout
   * in progress, or a release it never had). The trailer {@link #LOADED_RELEASES} says which are,
   * so that the caller can re-pin the whole request to one of them.
   */
  public static RequestException releaseNotLoaded(String message, List<String> loaded) {
    return new RequestException(Status.Code.FAILED_PRECONDITION, message, loaded, -1);
  }

  /** DEADLINE_EXCEEDED: the work did not finish within the caller's deadline. Retryable. */
  public static RequestException deadline(String message) {
    return new RequestException(Status.Code.DEADLINE_EXCEEDED, message);
  }

  /** UNAUTHENTICATED: no credentials, or credentials that do not prove who the caller is. */
  public static RequestException unauthenticated(String message) {
    return new RequestException(Status.Code.UNAUTHENTICATED, message);
  }

  /**
   * RESOURCE_EXHAUSTED with a retry hint: a quota that refills, so the caller may retry after
   * {@code retryAfterMillis} ({@link #RETRY_PUSHBACK_MS} trailer).
   */
  public static RequestException exhausted(String message, long retryAfterMillis) {
    return new RequestException(Status.Code.RESOURCE_EXHAUSTED, message, List.of(), Math.max(0, retryAfterMillis));
  }

  /** RESOURCE_EXHAUSTED: overloaded. Retryable with backoff. */
  public static RequestException exhausted(String message) {
    return new RequestException(Status.Code.RESOURCE_EXHAUSTED, message);
  }
}
