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
    }
  }
}
