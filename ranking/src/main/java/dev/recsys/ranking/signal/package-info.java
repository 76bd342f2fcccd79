/**
 * Collaborative and content signals: distributions over the unseen items after a history
 * (popularity, transitions, co-occurrence, content similarity, SASRec, mixtures).
 */
package dev.recsys.ranking.signal;
