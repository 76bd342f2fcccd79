/**
 * The bench commands ({@code scripts/bench.sh}): quality on the served path, Recommend, grounding
 * and generation latency, and the dump the Hugging Face cross-check compares against. Each prints
 * a table of medians.
 */
package dev.recsys.bench;
