package dev.recsys.generator.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.serving.rpc.RequestException;
import io.grpc.Context;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GenerationQueueTest {
  final ExecutorService callers = Executors.newCachedThreadPool();
  final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch firstStarted = new CountDownLatch(1);

  /** Records each batch; the first one blocks until {@link #release} so that others pile up. */
  final GenerationQueue.BatchRunner<String, String, String> runner = (key, inputs, done, arrivals) -> {
    batches.add(List.copyOf(inputs));
    firstStarted.countDown();
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inputs.contains("boom")) {
      throw new IllegalStateException("model failed");
    }
    for (int i = 0; i < inputs.size(); i++) {
      done.accept(i, key + ":" + inputs.get(i).toUpperCase());
    }
  };

  @AfterEach
  void tearDown() {
    release.countDown();
    callers.shutdownNow();
  }

  Future<String> submit(GenerationQueue q, String key, String input) {
    return callers.submit(() -> q.run(key, input, runner));
  }

  static void awaitWaiting(GenerationQueue q, int n) throws InterruptedException {
    for (int i = 0; i < 500 && q.waiting() < n; i++) {
      Thread.sleep(10);
    }
    assertThat(q.waiting()).isEqualTo(n);
  }

  @Test
  void waitingRequestsOfOneKey_runAsOneBatch_upToMaxBatch_andEachCallerGetsItsOwnResult() throws Exception {
    try (GenerationQueue q = new GenerationQueue(1, 16, 3, 10_000)) {
      Future<String> first = submit(q, "m1", "a");
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      List<Future<String>> later = new ArrayList<>();
      for (String in : List.of("b", "c", "d", "e")) {
        later.add(submit(q, "m1", in));
        awaitWaiting(q, later.size());
      }
      Future<String> other = submit(q, "m2", "x");
      awaitWaiting(q, 5);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("m1:A");
      assertThat(later.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("m1:B");
      assertThat(later.get(3).get(5, TimeUnit.SECONDS)).isEqualTo("m1:E");
      assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("m2:X");
      assertThat(batches).containsExactly(List.of("a"), List.of("b", "c", "d"), List.of("e"), List.of("x"));
      assertThat(q.batches()).isEqualTo(4);
      assertThat(q.batchedRequests()).isEqualTo(6);
    }
  }

  @Test
  void aRequestFinishedEarlyInItsBatch_isAnsweredBeforeTheBatchEnds() throws Exception {
    CountDownLatch rest = new CountDownLatch(1);
    GenerationQueue.BatchRunner<String, String, String> partial = (key, inputs, done, arrivals) -> {
      done.accept(0, "early");
      try {
        rest.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = 1; i < inputs.size(); i++) {
        done.accept(i, "late");
      }
    };
    try (GenerationQueue q = new GenerationQueue(1, 16, 8, 10_000)) {
      Future<String> first = callers.submit(() -> q.run("m", "a", partial));
      assertThat(first.get(5, TimeUnit.SECONDS)).as("while the batch still runs").isEqualTo("early");
      rest.countDown();
    }
  }

  @Test
  void aBatchThatForgetsARequest_failsThatRequest() {
    try (GenerationQueue q = new GenerationQueue(1, 16, 8, 10_000)) {
      GenerationQueue.BatchRunner<String, String, String> forgetful = (key, inputs, done, arrivals) -> { };
      assertThatThrownBy(() -> q.run("m", "a", forgetful)).hasMessageContaining("without a result");
    }
  }

  @Test
  void aFullQueue_refusesWithResourceExhausted() throws Exception {
    try (GenerationQueue q = new GenerationQueue(1, 2, 8, 10_000)) {
      submit(q, "m", "a");
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      submit(q, "m", "b");
      submit(q, "m", "c");
      awaitWaiting(q, 2);
      assertThatThrownBy(() -> q.run("m", "d", runner)).isInstanceOfSatisfying(RequestException.class,
          e -> assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
          .hasMessageContaining("2 waiting");
    }
  }

  @Test
  void aCallerPastItsDeadline_getsDeadlineExceeded_andItsRequestNeverRuns() throws Exception {
    try (GenerationQueue q = new GenerationQueue(1, 16, 8, 10_000)) {
      Future<String> first = submit(q, "m", "a");
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      Context.CancellableContext ctx = Context.current()
          .withDeadlineAfter(100, TimeUnit.MILLISECONDS, Executors.newSingleThreadScheduledExecutor());
      assertThatThrownBy(() -> ctx.call(() -> q.run("m", "late", runner)))
          .isInstanceOfSatisfying(RequestException.class,
              e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      assertThat(q.waiting()).isZero();
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("m:A");
      assertThat(batches).containsExactly(List.of("a"));
    }
  }

  @Test
  void aFailingBatch_failsEveryCallerInIt_andTheNextBatchRuns() throws Exception {
    try (GenerationQueue q = new GenerationQueue(1, 16, 8, 10_000)) {
      Future<String> first = submit(q, "m", "a");
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      Future<String> boom = submit(q, "m", "boom");
      awaitWaiting(q, 1);
      Future<String> same = submit(q, "m", "b");
      awaitWaiting(q, 2);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("m:A");
      assertThatThrownBy(() -> boom.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("model failed");
      assertThatThrownBy(() -> same.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("model failed");
      assertThat(q.run("m", "c", runner)).isEqualTo("m:C");
    }
  }

  /**
   * A runner of "steps": before each of its three steps it asks for arrivals (refusing inputs that
   * start with "skip"), and answers every input it has at the end. The first step waits for
   * {@link #release}, so that requests pile up while the batch runs.
   */
  final List<List<String>> joinedPerStep = Collections.synchronizedList(new ArrayList<>());
  final GenerationQueue.BatchRunner<String, String, String> stepping = (key, inputs, done, arrivals) -> {
    List<String> all = new ArrayList<>(inputs);
    batches.add(List.copyOf(inputs));
    firstStarted.countDown();
    for (int step = 0; step < 3; step++) {
      if (step == 1) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      List<String> joined = arrivals.take(in -> !in.startsWith("skip"));
      joinedPerStep.add(List.copyOf(joined));
      all.addAll(joined);
    }
    for (int i = 0; i < all.size(); i++) {
      done.accept(i, all.get(i).toUpperCase());
    }
  };

  @Test
  void requestsArrivingWhileABatchRuns_joinItAtItsNextStep_whenTheyFitAndUpToMaxBatch() throws Exception {
    try (GenerationQueue q = new GenerationQueue(1, 16, 3, true, 10_000, t -> { })) {
      Future<String> first = callers.submit(() -> q.run("m", "a", stepping));
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      List<Future<String>> later = new ArrayList<>();
      for (String in : List.of("skip-b", "c", "d", "e")) {
        later.add(callers.submit(() -> q.run("m", in, stepping)));
        awaitWaiting(q, later.size());
      }
      Future<String> other = callers.submit(() -> q.run("other", "x", stepping));
      awaitWaiting(q, 5);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("A");
      assertThat(later.get(1).get(5, TimeUnit.SECONDS)).isEqualTo("C");
      assertThat(later.get(2).get(5, TimeUnit.SECONDS)).isEqualTo("D");
      assertThat(later.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("SKIP-B");
      assertThat(later.get(3).get(5, TimeUnit.SECONDS)).isEqualTo("E");
      assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("X");
      // the first batch: "a", joined by the oldest two that fit (room: 3 - 1), not the refused
      // "skip-b", nor the other key's "x"; the rest run as batches of their own
      assertThat(batches.get(0)).containsExactly("a");
      assertThat(joinedPerStep.subList(0, 3)).containsExactly(List.of(), List.of("c", "d"), List.of());
      assertThat(q.batches()).isEqualTo(3);
      assertThat(q.batchedRequests()).isEqualTo(6);
    }
  }

  @Test
  void withoutContinuousBatching_nothingJoinsARunningBatch() throws Exception {
    try (GenerationQueue q = new GenerationQueue(1, 16, 3, false, 10_000, t -> { })) {
      Future<String> first = callers.submit(() -> q.run("m", "a", stepping));
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      Future<String> second = callers.submit(() -> q.run("m", "b", stepping));
      awaitWaiting(q, 1);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("A");
      assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("B");
      assertThat(batches).containsExactly(List.of("a"), List.of("b"));
      assertThat(joinedPerStep).allSatisfy(j -> assertThat(j).isEmpty());
    }
  }
}
