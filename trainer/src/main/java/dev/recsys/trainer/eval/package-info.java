/**
 * Evaluation through the served path: the serving pipelines tried on validation, the choice, and
 * the test table, ranked by the same code the services run.
 */
package dev.recsys.trainer.eval;
