/**
 * Text encoders for grounding: the release's LLM (BIGRec's grounding space) or all-MiniLM-L6-v2.
 */
package dev.recsys.ranking.encoder;
