package dev.recsys.llm;

/**
 * The arithmetic of a Llama decoder's forward pass, from its shape: the matrix products only
 * (a multiply-add counts 2 FLOPs; norms, rotary, softmax and LoRA's rank-r side paths are a few
 * percent at these sizes and left out). The number to set a measured time against.
 */
public record ForwardCost(LlamaConfig config) {
  /** FLOPs per position of the projections and the MLP, all layers, without attention over the context. */
  public double perPosition() {
    long h = config.hiddenSize();
    long q = (long) config.numAttentionHeads() * config.headDim();
    long kv = (long) config.numKeyValueHeads() * config.headDim();
    long perLayer = h * q + 2 * h * kv + q * h + 3 * h * config.intermediateSize();
    return 2.0 * perLayer * config.numHiddenLayers();
  }

  /** FLOPs of one position's vocabulary projection. */
  public double logits() {
    return 2.0 * config.hiddenSize() * config.vocabSize();
  }

  /**
   * FLOPs of running {@code tokens} new positions in each of {@code rows} rows after
   * {@code context} cached ones: projections and MLP, attention (scores and the weighted sum, over
   * the context and the causal part of the new positions), and {@code logitPositions} vocabulary
   * projections per row.
   */
  public double forward(int rows, int tokens, int context, int logitPositions) {
    long q = (long) config.numAttentionHeads() * config.headDim();
    double attended = (double) tokens * context + (double) tokens * (tokens + 1) / 2;
    double attention = 2.0 * 2.0 * q * attended * config.numHiddenLayers();
    return rows * (tokens * perPosition() + attention + logitPositions * logits());
  }
}
