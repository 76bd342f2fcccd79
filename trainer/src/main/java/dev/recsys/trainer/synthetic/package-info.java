/**
 * A small synthetic data set with sequential structure ({@code trainer synthetic}), for tests and trying the pipeline.
 */
package dev.recsys.trainer.synthetic;
