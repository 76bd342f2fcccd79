/**
 * Hot reload of published releases: the watcher that loads, verifies and atomically swaps each
 * tenant's release (keeping the previous one for pinned requests), refuses broken or untrusted
 * ones, and reports it.
 */
package dev.recsys.serving.release;
