package dev.recsys.trainer.bigrec;

/**
 * Sizes and budgets of a training run.
 *
 * @param hidden          base model width (hidden_size)
 * @param layers          decoder layers
 * @param heads           attention heads
 * @param kvHeads         key/value heads (grouped-query attention)
 * @param ffn             SwiGLU width (intermediate_size)
 * @param pretrainSamples interaction samples (next-item texts) in the base pre-training corpus,
 *                        besides one text per catalogue title
 * @param pretrainEpochs  passes over the pre-training corpus
 * @param fineTuneSamples next-item samples for LoRA fine-tuning (BIGRec's few-shot size)
 * @param fineTuneEpochs  passes over the fine-tuning set
 * @param auxRatio        auxiliary samples (masked item, preference) per next-item sample
 * @param batchSize       sequences per step
 * @param pretrainLr      Adam learning rate of the base
 * @param loraLr          Adam learning rate of the adapter
 * @param maxLength       tokens per sequence (longer are cut)
 * @param evalSamples     test samples evaluated (BIGRec: 5,000)
 * @param beams           beam width at generation
 * @param maxNewTokens    generated tokens at most
 */
public record Profile(String name, int hidden, int layers, int heads, int kvHeads, int ffn, int pretrainSamples,
    int pretrainEpochs, int fineTuneSamples, int fineTuneEpochs, double auxRatio, int batchSize, float pretrainLr,
    float loraLr, int maxLength, int evalSamples, int beams, int maxNewTokens) {

  /** Minutes on 2 cores; what the tests run. */
  public static Profile quick() {
    return new Profile("quick", 64, 2, 4, 2, 172, 600, 3, 128, 2, 0.25, 16, 3e-3f, 3e-3f, 160, 100, 4, 24);
  }

  /** The documented default run. */
  public static Profile standard() {
    return new Profile("default", 256, 4, 4, 2, 688, 4000, 2, 1024, 3, 0.25, 16, 3e-4f, 5e-4f, 192, 1000, 4, 24);
  }

  public static Profile named(String name) {
    return switch (name) {
      case "quick" -> quick();
      case "default" -> standard();
      default -> throw new IllegalArgumentException("unknown profile '" + name + "': use quick or default");
    };
  }
}
