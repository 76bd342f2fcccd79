/**
 * Publishing releases: the builder that writes a release into the store, the gate that refuses one
 * worse than its own best ranking without the LLM, and Triton's model repository.
 */
package dev.recsys.trainer.publish;
