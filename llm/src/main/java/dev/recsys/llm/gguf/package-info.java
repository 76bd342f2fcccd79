/**
 * A pretrained base from a GGUF file: the reader, the decoders of its tensor types, and the
 * converter into a Hugging Face checkpoint folder (weights, config, byte-level BPE tokenizer).
 */
package dev.recsys.llm.gguf;
