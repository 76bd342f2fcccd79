/**
 * The safetensors weight file format: reading (every offset checked) and writing tensors with
 * their names and types.
 */
package dev.recsys.llm.safetensors;
