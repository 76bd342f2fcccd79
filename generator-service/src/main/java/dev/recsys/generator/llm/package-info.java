/**
 * The in-process LLM backend (DJL): decoding as the release's pipeline says, behind a bounded
 * queue that batches requests and sheds load.
 */
package dev.recsys.generator.llm;
