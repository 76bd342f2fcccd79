/**
 * Loading a release into the generator's {@code GeneratorModels}: what every backend reads, then
 * what the service's LLM backend prepares of it.
 */
package dev.recsys.generator.model;
