package dev.recsys.gateway.stages;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A call to an internal stage failed. {@link Retryable} marks the failures worth retrying
 * (UNAVAILABLE: the stage is restarting, overloaded or not ready); the others go to the fallback.
 */
public class StageException extends RuntimeException {
  private final Status.Code code;

  StageException(String stage, StatusRuntimeException e) {
    super(stage + " failed: " + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
        : " (" + e.getStatus().getDescription() + ")"), e);
    this.code = e.getStatus().getCode();
  }

  public Status.Code code() {
    return code;
  }

  static StageException of(String stage, StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.UNAVAILABLE ? new Retryable(stage, e) : new StageException(stage, e);
  }

  /** UNAVAILABLE: retried with backoff before the fallback answers. */
  public static final class Retryable extends StageException {
    Retryable(String stage, StatusRuntimeException e) {
      super(stage, e);
    }
  }
}
