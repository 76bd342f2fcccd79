package dev.recsys.trainer.prompt;

import dev.recsys.llm.Prompts;
import dev.recsys.trainer.split.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds the fine-tuning set: {@code n} next-item samples drawn from the training split (BIGRec's
 * few-shot sizes: 64 ... 1024 ... all), plus auxiliary samples (arXiv 2404.00245) in natural
 * language, {@code auxRatio} of them per recommendation sample, half masked-item, half
 * preference. Deterministic for a seed.
 */
public final class SampleBuilder {
  private final Prompts prompts;
  private final Map<String, String> titles;
  private final List<String> itemIds;

  public SampleBuilder(Prompts prompts, Map<String, String> titles) {
    this.prompts = prompts;
    this.titles = titles;
    this.itemIds = List.copyOf(titles.keySet());
  }

  public List<InstructionSample> build(List<Sample> train, int n, double auxRatio, long seed) {
    Random rnd = new Random(seed);
    List<Sample> pool = new ArrayList<>(train);
    pool.removeIf(s -> s.history().isEmpty());
    Collections.shuffle(pool, rnd);
    List<Sample> chosen = pool.subList(0, Math.min(n, pool.size()));
    List<InstructionSample> out = new ArrayList<>();
    for (Sample s : chosen) {
      out.add(recommend(s));
    }
    int aux = (int) Math.round(chosen.size() * auxRatio);
    for (int i = 0; i < aux; i++) {
      Sample s = chosen.get(rnd.nextInt(chosen.size()));
      out.add(i % 2 == 0 && s.history().size() >= 2 ? maskedItem(s, rnd) : preference(s, rnd));
    }
    Collections.shuffle(out, rnd);
    return out;
  }

  public InstructionSample recommend(Sample s) {
    return new InstructionSample("rec", prompts.recommend(titlesOf(s.history())), Prompts.response(titles.get(s.target())));
  }

  InstructionSample maskedItem(Sample s, Random rnd) {
    List<String> h = new ArrayList<>(titlesOf(s.history()));
    int pos = rnd.nextInt(h.size());
    String hidden = h.set(pos, Prompts.MASK);
    return new InstructionSample("mim", prompts.maskedItem(h), Prompts.response(hidden));
  }

  InstructionSample preference(Sample s, Random rnd) {
    Set<String> seen = new HashSet<>(s.history());
    seen.add(s.target());
    String negative;
    do {
      negative = itemIds.get(rnd.nextInt(itemIds.size()));
    } while (seen.contains(negative) && seen.size() < itemIds.size());
    String positive = titles.get(s.target());
    String neg = titles.get(negative);
    boolean positiveFirst = rnd.nextBoolean();
    return new InstructionSample("bpr", prompts.preference(titlesOf(s.history()), positiveFirst ? positive : neg,
        positiveFirst ? neg : positive), Prompts.response(positive));
  }

  private List<String> titlesOf(List<String> ids) {
    return ids.stream().map(titles::get).toList();
  }
}
