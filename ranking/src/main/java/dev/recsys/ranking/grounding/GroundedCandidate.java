package dev.recsys.ranking.grounding;

/**
 * An item proposed by grounding.
 *
 * @param row        catalogue row
 * @param score      D~ of the item for {@code sourceText}, lower is better
 * @param sourceText index of the generated text that placed the item best
 */
public record GroundedCandidate(int row, double score, int sourceText) {}
