/**
 * BIGRec's instruction samples and the auxiliary tasks written in natural language.
 */
package dev.recsys.trainer.prompt;
