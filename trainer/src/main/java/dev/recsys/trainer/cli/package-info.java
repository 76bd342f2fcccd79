/**
 * The trainer's commands (picocli): import, synthetic, train, sasrec, eval, curve, publish,
 * triton-repo, base, keygen.
 */
package dev.recsys.trainer.cli;
