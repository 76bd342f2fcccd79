/**
 * A BIGRec training run: its profiles, the phases (tokenizer, base, LoRA, SASRec) and the copy of
 * a pretrained base.
 */
package dev.recsys.trainer.bigrec;
