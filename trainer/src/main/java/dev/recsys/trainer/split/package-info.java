/**
 * Splits of a data set (BIGRec's time split, leave-one-out, MiniOneRec's files), samples, training
 * events and the two halves of validation.
 */
package dev.recsys.trainer.split;
