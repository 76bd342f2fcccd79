/**
 * Training the LLM: causal-LM training (pre-training and LoRA, micro-batched) and the tokenizer
 * built from a catalogue.
 */
package dev.recsys.trainer.llm;
