package dev.recsys.gateway.stages;

import java.util.List;

/**
 * What the generation step produced.
 *
 * @param texts          texts for grounding, most likely first
 * @param backend        backend that made them ("signal-fallback" when the generator was down: no texts)
 * @param modelVersion   release of the model ("" for the fallback)
 * @param degradedReason empty unless a fallback answered
 */
public record Generated(List<String> texts, String backend, String modelVersion, String degradedReason) {}
