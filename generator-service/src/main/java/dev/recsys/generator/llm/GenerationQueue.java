package dev.recsys.generator.llm;

import dev.recsys.llm.Decoding;
import dev.recsys.serving.rpc.RequestException;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Bounded, batching concurrency for in-process generation.
 *
 * <p>{@code workers} threads run generations (each is CPU-bound; more than the cores only adds
 * contention). A worker takes the oldest waiting request and, with it, up to
 * {@code maxBatch - 1} more waiting requests of the same key (the same model): they run as one
 * batch, so under load the model's fixed cost per step is shared by every request in it. Nothing
 * waits for a batch to fill: when the workers keep up, batches are single requests.
 *
 * <p>At most {@code capacity} requests wait; one more is refused at once with RESOURCE_EXHAUSTED
 * instead of queueing without bound. A caller waits no longer than its gRPC deadline; its request
 * is then withdrawn if not yet started, and answered DEADLINE_EXCEEDED.
 */
public final class GenerationQueue implements AutoCloseable {
  /**
   * Runs inputs that share a key as one batch, handing each input's output to {@code done} (with
   * the input's index) as soon as it is ready: its caller is answered then, not when the whole
   * batch ends.
   */
  @FunctionalInterface
  public interface BatchRunner<K, I, O> {
    void run(K key, List<I> inputs, BiConsumer<Integer, O> done);
  }

  private static final class Job {
    final Object key;
    final Object input;
    final BatchRunner<Object, Object, Object> runner;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    final long enqueued = System.nanoTime();
    // written by the worker before it completes the result, read by the caller after it
    long started;
    int batchSize;
    long prefillStart;
    long prefillEnd;
    int prefillTokens;
    int cachedTokens;
    long finished;

    GenerationTimings timings() {
      return new GenerationTimings(enqueued, started, prefillStart, prefillEnd, prefillTokens, cachedTokens,
          batchSize, finished);
    }

    @SuppressWarnings("unchecked")
    Job(Object key, Object input, BatchRunner<?, ?, ?> runner) {
      this.key = key;
      this.input = input;
      this.runner = (BatchRunner<Object, Object, Object>) runner;
    }
  }

  private final LinkedBlockingQueue<Job> waiting;
  private final List<Thread> threads = new ArrayList<>();
  private final int capacity;
  private final int workers;
  private final int maxBatch;
  private final long defaultTimeoutMillis;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batched = new AtomicLong();
  private volatile boolean closed;
  private final Consumer<GenerationTimings> timings;

  public GenerationQueue(int workers, int capacity, int maxBatch, long defaultTimeoutMillis) {
    this(workers, capacity, maxBatch, defaultTimeoutMillis, t -> { });
  }

  /**
   * @param timings told, on the caller's thread once its answer is ready, where a request's time
   *     went (waiting, its batch's prefill, decoding): {@link GenerationSpans} makes them spans
   */
  public GenerationQueue(int workers, int capacity, int maxBatch, long defaultTimeoutMillis,
      Consumer<GenerationTimings> timings) {
    if (workers < 1 || capacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("workers, capacity and max batch must be >= 1");
    }
    this.workers = workers;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
    this.timings = timings;
    this.waiting = new LinkedBlockingQueue<>(capacity);
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::work, "llm-generation-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /**
   * Runs {@code input} on a generation worker, batched with waiting inputs of the same
   * {@code key} (compared with equals), and waits for it within the caller's deadline.
   */
  public <K, I, O> O run(K key, I input, BatchRunner<K, I, O> runner) {
    if (closed) {
      throw RequestException.unavailable("the generator is shutting down");
    }
    Job job = new Job(key, input, runner);
    if (!waiting.offer(job)) {
      throw RequestException.exhausted("the generation queue is full (" + capacity + " waiting, " + workers
          + " workers busy); retry with backoff");
    }
    Deadline deadline = Context.current().getDeadline();
    long waitMillis = deadline == null ? defaultTimeoutMillis : Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS));
    try {
      @SuppressWarnings("unchecked")
      O out = (O) job.result.get(waitMillis, TimeUnit.MILLISECONDS);
      timings.accept(job.timings());
      return out;
    } catch (TimeoutException e) {
      waiting.remove(job); // not started: never runs; started: its result is dropped
      throw RequestException.deadline("generation did not finish within " + waitMillis + " ms");
    } catch (InterruptedException e) {
      waiting.remove(job);
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

  private void work() {
    while (!closed) {
      Job first;
      try {
        first = waiting.take();
      } catch (InterruptedException e) {
        return;
      }
      List<Job> batch = new ArrayList<>();
      batch.add(first);
      for (Iterator<Job> it = waiting.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
        Job j = it.next();
        if (j.key.equals(first.key) && j.runner == first.runner && waiting.remove(j)) {
          batch.add(j); // remove() is the claim: another worker draining at once gets false
        }
      }
      run(batch);
    }
  }

  private void run(List<Job> batch) {
    running.addAndGet(batch.size());
    batches.incrementAndGet();
    batched.addAndGet(batch.size());
    long started = System.nanoTime();
    for (Job j : batch) {
      j.started = started;
      j.batchSize = batch.size();
    }
    Decoding.PrefillObserver prefills = (start, end, rows, tokens, cached) -> {
      for (Job j : batch) {
        if (j.result.isDone()) {
          continue; // answered already (its caller may be reading these): a later prefill is not its
        }
        j.prefillStart = j.prefillStart == 0 ? start : j.prefillStart;
        j.prefillEnd = end;
        j.prefillTokens += tokens;
        j.cachedTokens = cached;
      }
    };
    try {
      Decoding.observing(prefills, () -> {
        batch.get(0).runner.run(batch.get(0).key, batch.stream().map(j -> j.input).toList(), (i, output) -> {
          Job j = batch.get(i);
          j.finished = System.nanoTime();
          j.result.complete(output);
        });
        return null;
      });
      for (Job j : batch) {
        j.result.completeExceptionally(new IllegalStateException("the batch ended without a result for this request"));
      }
    } catch (Throwable t) {
      batch.forEach(j -> j.result.completeExceptionally(t));
    } finally {
      running.addAndGet(-batch.size());
    }
  }

  /** Requests waiting for a worker. */
  public int waiting() {
    return waiting.size();
  }

  /** Requests being generated now (in all running batches). */
  public int running() {
    return running.get();
  }

  /** Batches run so far. */
  public long batches() {
    return batches.get();
  }

  /** Requests run so far, in all batches: divided by {@link #batches()}, the mean batch size. */
  public long batchedRequests() {
    return batched.get();
  }

  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
    Job j;
    while ((j = waiting.poll()) != null) {
      j.result.completeExceptionally(RequestException.unavailable("the generator is shutting down"));
    }
  }
}
