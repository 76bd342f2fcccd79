package dev.recsys.generator.llm;

import dev.recsys.llm.Arrivals;
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
import java.util.function.Predicate;

/**
 * Bounded, batching concurrency for in-process generation.
 *
 * <p>{@code workers} threads run generations (each is CPU-bound; more than the cores only adds
 * contention). A worker takes the oldest waiting request and, with it, up to
 * {@code maxBatch - 1} more waiting requests of the same key (the same model): they run as one
 * batch, so under load the model's fixed cost per step is shared by every request in it. Nothing
 * waits for a batch to fill: when the workers keep up, batches are single requests. With
 * continuous batching (the default) a request that arrives while a batch runs joins it at its next
 * decoding step, when the batch has room (fewer than {@code maxBatch} of its requests unanswered)
 * and the runner accepts it, instead of waiting for a worker to finish the whole batch.
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
    /**
     * @param arrivals asked between decoding steps for more inputs to run in this batch: waiting
     *     inputs of its key that {@code fits} accepts, oldest first, as many as the batch has room
     *     for (none when continuous batching is off); they take the next indexes
     *     ({@code inputs.size()}, then up)
     */
    void run(K key, List<I> inputs, BiConsumer<Integer, O> done, Arrivals<I> arrivals);
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
    int decodeSteps;
    long finished;

    GenerationTimings timings() {
      return new GenerationTimings(enqueued, started, prefillStart, prefillEnd, prefillTokens, cachedTokens,
          batchSize, decodeSteps, finished);
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
  private final boolean continuous;
  private final long defaultTimeoutMillis;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batched = new AtomicLong();
  private volatile boolean closed;
  private final Consumer<GenerationTimings> timings;

  public GenerationQueue(int workers, int capacity, int maxBatch, long defaultTimeoutMillis) {
    this(workers, capacity, maxBatch, true, defaultTimeoutMillis, t -> { });
  }

  /**
   * @param timings told, on the caller's thread once its answer is ready, where a request's time
   *     went (waiting, its batch's prefill, decoding): {@link GenerationSpans} makes them spans
   * @param continuous whether waiting requests join running batches between decoding steps; off, a
   *     batch is formed only when a worker starts it
   */
  public GenerationQueue(int workers, int capacity, int maxBatch, boolean continuous, long defaultTimeoutMillis,
      Consumer<GenerationTimings> timings) {
    if (workers < 1 || capacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("workers, capacity and max batch must be >= 1");
    }
    this.workers = workers;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.continuous = continuous;
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
      batch.addAll(claim(first, maxBatch - 1, j -> true));
      run(batch);
    }
  }

  /**
   * Claims up to {@code room} waiting jobs of {@code like}'s key and runner whose input
   * {@code fits}, oldest first. remove() is the claim: another worker draining at once gets false.
   */
  private List<Job> claim(Job like, int room, Predicate<Object> fits) {
    List<Job> claimed = new ArrayList<>();
    for (Iterator<Job> it = waiting.iterator(); it.hasNext() && claimed.size() < room; ) {
      Job j = it.next();
      if (j.key.equals(like.key) && j.runner == like.runner && fits.test(j.input) && waiting.remove(j)) {
        claimed.add(j);
      }
    }
    return claimed;
  }

  private void run(List<Job> initial) {
    List<Job> batch = new ArrayList<>(initial); // grows as requests join; only this worker's thread touches it
    List<Job> unprefilled = new ArrayList<>(initial);
    admit(batch, batch.size(), true);
    Decoding.CallObserver calls = new Decoding.CallObserver() {
      @Override
      public void prefilled(long start, long end, int rows, int tokens, int cached) {
        // a prefill belongs to the requests that joined since the last one; later prefills of the
        // same requests (e.g. candidates scored one ask at a time) add to every unanswered one
        List<Job> owners = unprefilled.isEmpty() ? batch.stream().filter(j -> !j.result.isDone()).toList()
            : List.copyOf(unprefilled);
        unprefilled.clear();
        for (Job j : owners) {
          j.prefillStart = j.prefillStart == 0 ? start : j.prefillStart;
          j.prefillEnd = end;
          j.prefillTokens += tokens;
          j.cachedTokens = cached;
        }
      }

      @Override
      public void stepped(long start, long end, int rows, int positions) {
        for (Job j : batch) {
          if (!j.result.isDone()) {
            j.decodeSteps++;
          }
        }
      }
    };
    Arrivals<Object> arrivals = fits -> {
      if (!continuous || waiting.isEmpty()) {
        return List.of();
      }
      long open = batch.stream().filter(j -> !j.result.isDone()).count();
      List<Job> joined = claim(batch.get(0), (int) (maxBatch - open), fits::test);
      if (joined.isEmpty()) {
        return List.of();
      }
      batch.addAll(joined);
      unprefilled.addAll(joined);
      admit(joined, (int) open + joined.size(), false);
      return joined.stream().map(j -> j.input).toList();
    };
    try {
      Decoding.observing(calls, () -> {
        batch.get(0).runner.run(batch.get(0).key, batch.stream().map(j -> j.input).toList(), (i, output) -> {
          Job j = batch.get(i);
          j.finished = System.nanoTime();
          j.result.complete(output);
        }, arrivals);
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

  /** Counts jobs into a batch (new, or running: they joined it) that now runs {@code rows} unanswered requests. */
  private void admit(List<Job> jobs, int rows, boolean newBatch) {
    if (newBatch) {
      batches.incrementAndGet();
    }
    running.addAndGet(jobs.size());
    batched.addAndGet(jobs.size());
    long started = System.nanoTime();
    for (Job j : jobs) {
      j.started = started;
      j.batchSize = rows;
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

  /**
   * Requests run so far, in all batches (those that joined a running batch included): divided by
   * {@link #batches()}, the mean number of requests a batch served.
   */
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
