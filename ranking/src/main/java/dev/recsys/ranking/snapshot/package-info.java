/**
 * What a release gives the ranking: catalogue, embeddings, index, signals and pipeline loaded into
 * one snapshot.
 */
package dev.recsys.ranking.snapshot;
