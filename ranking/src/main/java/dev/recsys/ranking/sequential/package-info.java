/**
 * SASRec, the trained sequential recommender: its DJL block, configuration, file format and the
 * model that scores a history.
 */
package dev.recsys.ranking.sequential;
