package dev.recsys.generator.llm;

import dev.recsys.common.rpc.RequestException;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded concurrency for in-process generation: {@code workers} generations run at once (each
 * is CPU-bound; more than the cores only adds contention), at most {@code capacity} wait, and a
 * request beyond that is refused at once with RESOURCE_EXHAUSTED instead of queueing without
 * bound. A caller waits no longer than its gRPC deadline; a generation that would finish after it
 * is cancelled (if not yet started) and answered DEADLINE_EXCEEDED.
 */
public final class GenerationQueue implements AutoCloseable {
  private final ThreadPoolExecutor pool;
  private final int capacity;
  private final long defaultTimeoutMillis;

  public GenerationQueue(int workers, int capacity, long defaultTimeoutMillis) {
    this.capacity = capacity;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
    this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
        r -> {
          Thread t = new Thread(r, "llm-generation");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** Runs {@code work} on a generation worker and waits for it within the caller's deadline. */
  public <T> T run(Callable<T> work) {
    Future<T> future;
    try {
      future = pool.submit(work);
    } catch (RejectedExecutionException e) {
      throw RequestException.exhausted("the generation queue is full (" + capacity + " waiting, "
          + pool.getMaximumPoolSize() + " running); retry with backoff");
    }
    Deadline deadline = Context.current().getDeadline();
    long waitMillis = deadline == null ? defaultTimeoutMillis : Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS));
    try {
      return future.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw RequestException.deadline("generation did not finish within " + waitMillis + " ms");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw RequestException.unavailable("interrupted while waiting for generation");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("generation failed: " + cause, cause);
    }
  }

  /** Requests waiting for a worker. */
  public int waiting() {
    return pool.getQueue().size();
  }

  /** Generations running now. */
  public int running() {
    return pool.getActiveCount();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
