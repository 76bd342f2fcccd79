package dev.recsys.gateway.recommend;

import dev.recsys.serving.rpc.RequestException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Bounds the Recommend calls in flight. A call over the bound is answered at once with
 * RESOURCE_EXHAUSTED (retryable with backoff) instead of queueing behind work the stages cannot
 * absorb, so the gateway's latency stays bounded under overload.
 */
public final class AdmissionControl {
  private final int limit;
  private final Semaphore permits;

  public AdmissionControl(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("max-in-flight must be >= 1, got " + limit);
    }
    this.limit = limit;
    this.permits = new Semaphore(limit);
  }

  public <T> T run(Supplier<T> call) {
    if (!permits.tryAcquire()) {
      throw RequestException.exhausted("the gateway already serves " + limit
          + " requests; retry with backoff (or add gateway replicas)");
    }
    try {
      return call.get();
    } finally {
      permits.release();
    }
  }

  /** Calls in flight now (a gauge). */
  public int inFlight() {
    return limit - permits.availablePermits();
  }
}
