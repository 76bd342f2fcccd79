package dev.recsys.generator.llm;

/**
 * Where one in-process generation's time went, in {@link System#nanoTime()} instants: waiting
 * for a worker ({@code enqueued} to {@code started}), its batch's prompt prefill ({@code
 * prefillStart} to {@code prefillEnd}; 0 when the pipeline ran none), then decoding until its
 * answer was ready ({@code finished}). A batch's requests share its prefill.
 *
 * @param prefillTokens positions the batch's prefills computed (rows times the longest uncached rest)
 * @param cachedTokens positions of each prompt taken from the cached prompt prefix instead
 * @param decodeSteps decoding steps its batch ran while it was decoding (model calls after the prefill)
 */
public record GenerationTimings(long enqueued, long started, long prefillStart, long prefillEnd, int prefillTokens,
    int cachedTokens, int batchSize, int decodeSteps, long finished) {

  public boolean prefilled() {
    return prefillStart != 0;
  }
}
