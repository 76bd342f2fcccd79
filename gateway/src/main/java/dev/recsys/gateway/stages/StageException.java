package dev.recsys.gateway.stages;

import dev.recsys.serving.rpc.RequestException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

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

  /**
   * What a failed call to a stage raises: {@link ReleaseNotLoaded} for a pinned release the stage
   * has not loaded (FAILED_PRECONDITION), else a {@link StageException} (see {@link #of}).
   */
  static RuntimeException failure(String stage, StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION ? new ReleaseNotLoaded(stage, e) : of(stage, e);
  }

  static StageException of(String stage, StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.UNAVAILABLE ? new Retryable(stage, e) : new StageException(stage, e);
  }

  /**
   * FAILED_PRECONDITION with the stage's loaded releases: the release the request was pinned to is
   * not loaded there (a rollout in progress). Not a stage failure: neither retried as is nor
   * answered by a fallback; the gateway re-pins the whole request to a release the stage has.
   */
  public static final class ReleaseNotLoaded extends RuntimeException {
    private final List<String> loaded;

    ReleaseNotLoaded(String stage, StatusRuntimeException e) {
      super(stage + ": " + e.getStatus().getDescription(), e);
      Metadata trailers = e.getTrailers();
      String list = trailers == null ? null : trailers.get(RequestException.LOADED_RELEASES);
      this.loaded = list == null || list.isEmpty() ? List.of() : List.of(list.split(","));
    }

    /** The stage's loaded releases, current first. */
    public List<String> loaded() {
      return loaded;
    }
  }

  /** UNAVAILABLE: retried with backoff before the fallback answers. */
  public static final class Retryable extends StageException {
    Retryable(String stage, StatusRuntimeException e) {
      super(stage, e);
    }
  }
}
