package dev.recsys.generator.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.ReferenceCheckpoint;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real beam search (the small reference checkpoint) run through the queue: the caller's span
 * gets the request's queue wait, its batch's prefill and its decoding as children, in that order,
 * with the prefill's positions.
 */
class GenerationSpansTest {
  @TempDir Path dir;

  @Test
  void aGenerationIsTracedAsQueueWait_prefill_andDecode_underTheCallersSpan() throws Exception {
    List<SpanData> ended = new CopyOnWriteArrayList<>();
    SpanExporter exporter = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        ended.addAll(spans);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build(); NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        GenerationQueue queue = new GenerationQueue(1, 4, 4, true, 10_000,
            new GenerationSpans(tracing.get("test")))) {
      Decoding decoding = new Decoding(LlamaCheckpoint.load(ReferenceCheckpoint.copyTo(dir.resolve("ref")), manager),
          manager);
      GenerationQueue.BatchRunner<String, long[], List<Decoding.Hypothesis>> beams = (key, prompts, done, arrivals) -> {
        List<List<Decoding.Hypothesis>> out = decoding.beams(prompts.stream()
            .map(p -> new Decoding.BeamRequest(p, 2, 4, 2, null)).toList());
        for (int i = 0; i < out.size(); i++) {
          done.accept(i, out.get(i));
        }
      };
      int[] steps = {0}; // the steps the same search runs alone
      Decoding.observing(new Decoding.CallObserver() {
        @Override
        public void prefilled(long start, long end, int rows, int tokens, int cached) {}

        @Override
        public void stepped(long start, long end, int rows, int positions) {
          steps[0]++;
        }
      }, () -> decoding.beams(List.of(new Decoding.BeamRequest(new long[] {1, 5, 9}, 2, 4, 2, null))));
      assertThat(steps[0]).isBetween(1, 3);
      Span parent = tracing.get("test").spanBuilder("generate").startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        assertThat(queue.run("model", new long[] {1, 5, 9}, beams)).hasSize(2);
      } finally {
        parent.end();
      }
      Map<String, SpanData> byName = ended.stream().collect(Collectors.toMap(SpanData::getName, Function.identity()));
      assertThat(byName).containsKeys("generation.queue", "generation.prefill", "generation.decode");
      for (String name : List.of("generation.queue", "generation.prefill", "generation.decode")) {
        SpanData s = byName.get(name);
        assertThat(s.getParentSpanId()).as(name).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(s.getEndEpochNanos()).as(name).isGreaterThanOrEqualTo(s.getStartEpochNanos());
        assertThat(s.getAttributes().get(AttributeKey.longKey("recsys.batch_size"))).isEqualTo(1L);
      }
      SpanData queued = byName.get("generation.queue");
      SpanData prefill = byName.get("generation.prefill");
      SpanData decode = byName.get("generation.decode");
      assertThat(prefill.getStartEpochNanos()).isGreaterThanOrEqualTo(queued.getEndEpochNanos());
      assertThat(decode.getStartEpochNanos()).isEqualTo(prefill.getEndEpochNanos());
      assertThat(decode.getEndEpochNanos()).isGreaterThan(decode.getStartEpochNanos());
      assertThat(prefill.getAttributes().get(AttributeKey.longKey("recsys.prefill.tokens"))).isEqualTo(3L);
      assertThat(prefill.getAttributes().get(AttributeKey.longKey("recsys.prefill.cached_tokens"))).isZero();
      assertThat(decode.getAttributes().get(AttributeKey.longKey("recsys.decode.steps"))).isEqualTo((long) steps[0]);
    }
  }

  @Test
  void aRequestJoiningARunningBatch_getsItsOwnPrefill_andTheFirstKeepsItsOwn() throws Exception {
    List<GenerationTimings> timings = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        GenerationQueue queue = new GenerationQueue(1, 4, 4, true, 10_000, timings::add)) {
      Decoding decoding = new Decoding(LlamaCheckpoint.load(ReferenceCheckpoint.copyTo(dir.resolve("ref")), manager),
          manager);
      // the first batch waits for the second request to be queued, then decodes; the second joins it
      GenerationQueue.BatchRunner<String, long[], List<Decoding.Hypothesis>> beams = (key, prompts, done, arrivals) -> {
        started.countDown();
        try {
          go.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Function<long[], Decoding.BeamRequest> request = p -> new Decoding.BeamRequest(p, 2, 6, 2, null);
        decoding.beams(prompts.stream().map(request).toList(), done::accept,
            fits -> arrivals.take(p -> fits.test(request.apply(p))).stream().map(request).toList());
      };
      java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var first = callers.submit(() -> queue.run("model", new long[] {1, 5, 9}, beams));
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        var second = callers.submit(() -> queue.run("model", new long[] {1, 7, 3, 12, 4}, beams));
        for (int i = 0; i < 500 && queue.waiting() < 1; i++) {
          Thread.sleep(10);
        }
        go.countDown();
        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotEmpty();
        assertThat(second.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotEmpty();
      } finally {
        callers.shutdownNow();
      }
      assertThat(queue.batches()).as("the second joined the first's batch").isEqualTo(1);
      GenerationTimings a = timings.stream().filter(t -> t.prefillTokens() == 3).findFirst().orElseThrow();
      GenerationTimings b = timings.stream().filter(t -> t.prefillTokens() == 5).findFirst().orElseThrow();
      assertThat(timings).hasSize(2);
      assertThat(a.batchSize()).isEqualTo(1);
      assertThat(b.batchSize()).as("it ran beside the first").isEqualTo(2);
      assertThat(b.prefillStart()).as("its own prefill, after the first's").isGreaterThanOrEqualTo(a.prefillEnd());
      assertThat(b.started()).isGreaterThan(a.started());
    }
  }
}
