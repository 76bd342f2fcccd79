/**
 * The Triton backend: a KServe v2 gRPC client over (mutual) TLS, and the request/response shapes
 * of Triton's vLLM and TensorRT-LLM models, LoRA adapters included.
 */
package dev.recsys.generator.triton;
