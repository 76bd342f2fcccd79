/**
 * The generation backend interface, where the policy (what to generate for a history) meets the
 * mechanisms (in-process LLM, Triton, the transition baseline), and the per-release models a
 * backend serves with ({@code GeneratorModels}, with the state each backend prepares of a release).
 */
package dev.recsys.generator.backend;
