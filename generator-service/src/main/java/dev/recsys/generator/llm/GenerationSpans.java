package dev.recsys.generator.llm;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns a request's {@link GenerationTimings} into three spans under the caller's current span
 * (the generator's {@code generate}): {@code generation.queue} (waiting for a worker),
 * {@code generation.prefill} (its batch's prompt prefill: positions computed and taken from the
 * cached prefix, batch size) and {@code generation.decode} (from the prefill to its answer; the
 * decoding steps its batch ran meanwhile), so a
 * trace shows which of the three a slow answer spent its time in.
 */
public final class GenerationSpans implements Consumer<GenerationTimings> {
  private final Tracer tracer;
  /** One instant on both clocks: nanoTime instants become epoch timestamps. */
  private final long epochNanosAtBase;
  private final long nanoTimeAtBase;

  public GenerationSpans(Tracer tracer) {
    this.tracer = tracer;
    Instant now = Instant.now();
    this.nanoTimeAtBase = System.nanoTime();
    this.epochNanosAtBase = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }

  @Override
  public void accept(GenerationTimings t) {
    span("generation.queue", t.enqueued()).setAttribute("recsys.batch_size", t.batchSize()).end(
        epoch(t.started()), TimeUnit.NANOSECONDS);
    long decodeFrom = t.started();
    if (t.prefilled()) {
      span("generation.prefill", t.prefillStart()).setAttribute("recsys.batch_size", t.batchSize())
          .setAttribute("recsys.prefill.tokens", t.prefillTokens())
          .setAttribute("recsys.prefill.cached_tokens", t.cachedTokens()).end(epoch(t.prefillEnd()), TimeUnit.NANOSECONDS);
      decodeFrom = t.prefillEnd();
    }
    span("generation.decode", decodeFrom).setAttribute("recsys.batch_size", t.batchSize())
        .setAttribute("recsys.decode.steps", t.decodeSteps()).end(epoch(t.finished()), TimeUnit.NANOSECONDS);
  }

  private Span span(String name, long from) {
    return tracer.spanBuilder(name).setStartTimestamp(epoch(from), TimeUnit.NANOSECONDS).startSpan();
  }

  private long epoch(long nanoTime) {
    return epochNanosAtBase + (nanoTime - nanoTimeAtBase);
  }
}
