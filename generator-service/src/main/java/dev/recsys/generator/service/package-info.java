/**
 * The Generate RPC: validation, the handler, the router that picks the backend (no texts for a
 * pipeline without the LLM, else the LLM, else the baseline flagged degraded), configuration and
 * start-up.
 */
package dev.recsys.generator.service;
