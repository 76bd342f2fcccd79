package dev.recsys.trainer.bigrec;

/**
 * Sizes and budgets of a training run and its evaluation.
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
 * @param sasrecHidden    the sequential model's width d
 * @param sasrecEpochs    the sequential model's epochs at most (early-stopped on validation)
 * @param validSamples    validation samples the serving pipelines are compared on
 * @param evalSamples     test samples evaluated (BIGRec: 5,000)
 * @param maxNewTokens    generated tokens at most (free decoding)
 */
public record Profile(String name, int hidden, int layers, int heads, int kvHeads, int ffn, int pretrainSamples,
    int pretrainEpochs, int fineTuneSamples, int fineTuneEpochs, double auxRatio, int batchSize, float pretrainLr,
    float loraLr, int maxLength, int sasrecHidden, int sasrecEpochs, int validSamples, int evalSamples,
    int maxNewTokens) {

  /** Minutes on 2 cores; what the tests and the main job run. */
  public static Profile quick() {
    return new Profile("quick", 64, 2, 4, 2, 172, 600, 3, 128, 2, 0.25, 16, 3e-3f, 3e-3f, 160, 64, 8, 1000, 1000, 24);
  }

  /** The documented default run. */
  public static Profile standard() {
    return new Profile("default", 256, 4, 4, 2, 688, 4000, 2, 1024, 3, 0.25, 16, 3e-4f, 5e-4f, 192, 64, 60, 2000, 1000,
        24);
  }

  /**
   * LoRA on a pretrained base ({@code train --base}, e.g. SmolLM2-135M) in minutes: 64 next-item
   * samples (+16 auxiliary), one epoch of 10 steps. The architecture fields are unused (the base has its own).
   * A 135M-parameter model evaluates at seconds per sample, so validation and test are smaller.
   */
  public static Profile pretrainedQuick() {
    return new Profile("pretrained-quick", 64, 2, 4, 2, 172, 0, 0, 64, 1, 0.25, 8, 3e-4f, 3e-3f, 160, 64, 8, 100,
        200, 24);
  }

  /**
   * LoRA on a pretrained base under an hour on 2 cores: BIGRec's largest few-shot size (1,024
   * next-item samples, +256 auxiliary), one epoch (~250k BPE tokens at ~150 tok/s with SmolLM2-135M).
   * Pipelines are compared on 1,000 validation samples, as the default profile's half: a weight chosen
   * on 200 was noise (0.0822 on validation, 0.0670 through the gateway).
   */
  public static Profile pretrainedStandard() {
    return new Profile("pretrained-default", 256, 4, 4, 2, 688, 0, 0, 1024, 1, 0.25, 16, 3e-4f, 2e-3f, 192, 64, 60,
        1000, 1000, 24);
  }

  /** The profile names {@link #named} knows. */
  public static final java.util.List<String> NAMES = java.util.List.of("quick", "default", "pretrained-quick",
      "pretrained-default");

  public static Profile named(String name) {
    return switch (name) {
      case "quick" -> quick();
      case "default" -> standard();
      case "pretrained-quick" -> pretrainedQuick();
      case "pretrained-default" -> pretrainedStandard();
      default -> throw new IllegalArgumentException("unknown profile '" + name + "': use one of " + NAMES);
    };
  }

  /** Whether this profile is sized for LoRA on a pretrained base (no pre-training of its own). */
  public boolean forPretrainedBase() {
    return name.startsWith("pretrained-");
  }

  /** This profile with another few-shot size. */
  public Profile withFineTuneSamples(int n) {
    return new Profile(name, hidden, layers, heads, kvHeads, ffn, pretrainSamples, pretrainEpochs, n, fineTuneEpochs,
        auxRatio, batchSize, pretrainLr, loraLr, maxLength, sasrecHidden, sasrecEpochs, validSamples, evalSamples,
        maxNewTokens);
  }
}
