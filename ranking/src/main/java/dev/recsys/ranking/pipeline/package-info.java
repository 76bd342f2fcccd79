/**
 * A release's serving pipeline: which candidates, signals and parameters rank, split into the
 * generator's part and the grounding service's part.
 */
package dev.recsys.ranking.pipeline;
