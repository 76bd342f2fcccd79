package dev.recsys.ranking.sequential;

/**
 * The shape of a SASRec model (Kang &amp; McAuley, "Self-Attentive Sequential Recommendation",
 * ICDM 2018).
 *
 * @param items     catalogue size N; item embedding row 0 is padding, row r + 1 is catalogue row r
 * @param maxLength n, the most recent history items the model reads (BIGRec's window: 10)
 * @param hidden    d, the width of item and position embeddings and of every layer
 * @param blocks    self-attention blocks
 * @param heads     attention heads (hidden must be a multiple)
 * @param dropout   dropout rate while training (embeddings, attention output, feed-forward)
 */
public record SasRecConfig(int items, int maxLength, int hidden, int blocks, int heads, double dropout) {
  public SasRecConfig {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
    if (maxLength < 1 || hidden < 1 || blocks < 1 || heads < 1) {
      throw new IllegalArgumentException("maxLength, hidden, blocks and heads must be >= 1, got " + maxLength + ", "
          + hidden + ", " + blocks + ", " + heads);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** The method notes' setting for MovieLens-size data: d 64, 2 blocks, 1 head, dropout 0.2. */
  public static SasRecConfig standard(int items, int maxLength) {
    return new SasRecConfig(items, maxLength, 64, 2, 1, 0.2);
  }
}
