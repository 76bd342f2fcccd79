/**
 * Running the whole platform for tests and benches: the three packaged services as processes with
 * TLS, tokens and signed releases ({@link dev.recsys.e2e.LocalStack}), a real Triton, and releases
 * published as the trainer publishes.
 */
package dev.recsys.e2e;
