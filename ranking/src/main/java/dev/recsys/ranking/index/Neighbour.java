package dev.recsys.ranking.index;

/**
 * One search hit.
 *
 * @param row      catalogue row of the item (= embedding snapshot row)
 * @param distance distance to the query as the index measures it (squared L2 for both indexes)
 */
public record Neighbour(int row, float distance) {}
