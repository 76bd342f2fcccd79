/**
 * The LLM the trainer trains and the generator serves: a Llama-architecture model on DJL with its
 * Hugging Face checkpoint, PEFT LoRA adapters, the tokenizer, decoding (greedy, beam, catalogue-
 * constrained through the title trie), prompts and BIGRec's generation step.
 */
package dev.recsys.llm;
