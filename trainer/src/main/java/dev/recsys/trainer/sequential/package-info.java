/**
 * Training SASRec on the training split, early-stopped on half of validation.
 */
package dev.recsys.trainer.sequential;
