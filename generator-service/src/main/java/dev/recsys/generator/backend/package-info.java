/**
 * The generation backend interface: the policy (what to generate for a history) meets the
 * mechanisms (in-process LLM, Triton, the transition baseline).
 */
package dev.recsys.generator.backend;
