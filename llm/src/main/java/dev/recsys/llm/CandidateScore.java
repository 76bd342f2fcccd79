package dev.recsys.llm;

/**
 * How a candidate item's score is made when the LLM ranks given candidates (LlamaRec-style
 * re-ranking): from the LLM's log-probability of the item's title after the user's prompt, the
 * same without a history (the title's prior), and the assistant's log-probability of the item.
 *
 * <pre>
 *   llm   = log p(title | history) − β · log p(title | no history)     (β = 1: pointwise mutual information)
 *   llm  /= tokens(title)                                               (when per token)
 *   score = (1 − λ) · llm + λ · log p_assistant(item)
 * </pre>
 *
 * <p>With β = 0 and summed log-probabilities this is D3's beam score computed exactly. The prior
 * removes what the LLM thinks of a title whatever the history (its length, its common words),
 * which the assistant's own distribution already covers, and leaves what the history says about
 * it; per token, long titles are not penalised for their length.
 *
 * @param assistantWeight λ in [0, 1]: 1 leaves the LLM no say
 * @param priorWeight     β in [0, 1]
 * @param perToken        divide the LLM's part by the title's token count
 */
public record CandidateScore(double assistantWeight, double priorWeight, boolean perToken) {
  public CandidateScore {
    if (!(assistantWeight >= 0 && assistantWeight <= 1)) {
      throw new IllegalArgumentException("assistant weight must be in [0, 1], got " + assistantWeight);
    }
    if (!(priorWeight >= 0 && priorWeight <= 1)) {
      throw new IllegalArgumentException("prior weight must be in [0, 1], got " + priorWeight);
    }
  }

  /** D3's score, exactly: summed log-probabilities, no prior. */
  public static CandidateScore d3(double assistantWeight) {
    return new CandidateScore(assistantWeight, 0, false);
  }

  /**
   * A short name for tables: {@code likelihood}, {@code likelihood per token} (D3's score when summed)
   * or {@code PMI β=0.5 per token}, and λ.
   */
  public String label() {
    String llm = priorWeight > 0 ? "PMI β=" + number(priorWeight) : "likelihood";
    return llm + (perToken ? " per token" : "") + ", λ=" + number(assistantWeight);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** Whether the score reads the titles' prior log-probabilities. */
  public boolean needsPrior() {
    return priorWeight > 0 && assistantWeight < 1;
  }

  /**
   * @param llm       log p(title | history), summed over the title's tokens
   * @param prior     log p(title | no history), likewise (read only when {@link #needsPrior})
   * @param tokens    the title's token count (eos included)
   * @param assistant the assistant's log-probability of the item
   */
  public double of(double llm, double prior, int tokens, double assistant) {
    double l = needsPrior() ? llm - priorWeight * prior : llm;
    if (perToken) {
      l /= tokens;
    }
    return (1 - assistantWeight) * l + assistantWeight * assistant;
  }
}
