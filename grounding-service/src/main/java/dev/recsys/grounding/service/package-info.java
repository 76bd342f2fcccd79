/**
 * The Ground RPC: validation and the handler that ranks with the ranking library's {@code
 * Grounder} on the tenant's loaded (or pinned) snapshot; configuration and start-up.
 */
package dev.recsys.grounding.service;
