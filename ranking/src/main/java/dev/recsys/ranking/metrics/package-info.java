/**
 * Ranking metrics (NDCG and HR at k) and the paired standard error of a difference between two
 * rankings.
 */
package dev.recsys.ranking.metrics;
