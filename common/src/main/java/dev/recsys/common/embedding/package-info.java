/**
 * Item embeddings of a release: a row per catalogue item, and the binary snapshot file that stores
 * them.
 */
package dev.recsys.common.embedding;
