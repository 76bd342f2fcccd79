/**
 * BIGRec's grounding: each generated text's nearest catalogue items, distances normalised and re-
 * weighted by a signal ({@code D~ = D^ (1 + W)^-gamma}), several texts merged. The one
 * implementation serving and evaluation share.
 */
package dev.recsys.ranking.grounding;
