/**
 * Nearest-neighbour indexes of item embeddings: HNSW (hnswlib) and the exact search it is checked
 * against.
 */
package dev.recsys.ranking.index;
