package dev.recsys.trainer.prompt;

/**
 * One fine-tuning text: a prompt and the response it should produce.
 *
 * @param task {@code rec} (next-item), {@code mim} (masked item) or {@code bpr} (pairwise preference)
 */
public record InstructionSample(String task, String prompt, String response) {
  public String text() {
    return prompt + response;
  }
}
