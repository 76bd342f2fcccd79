package dev.recsys.bench;

import dev.recsys.common.artifact.ReleaseLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.TitleGenerator;
import dev.recsys.llm.TitleTrie;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.eval.Evaluation;
import dev.recsys.trainer.split.Sample;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-process half of the Hugging Face cross-check ({@code scripts/bench.sh hf}): for seeded
 * test prompts of a run, the prompt's token ids, the in-process model's greedy tokens, and the
 * in-process generation time (one PyTorch thread) for free and catalogue-constrained decoding with
 * N = 1 and 4, as served (the prompt's fixed beginning cached) and without the prefix cache; with the catalogue trie's token paths, so that {@code scripts/hf_peer.py} decodes
 * the same prompts (greedy, and 4 beams free and constrained) under the same constraint with {@code transformers} + {@code peft} and compares.
 *
 * <p>Usage: {@code HfPeerDump <run> <dataset> <prompts> <repeats> <maxNewTokens> <out.json>}.
 */
public final class HfPeerDump {
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: HfPeerDump <run> <dataset> <prompts> <repeats> <maxNewTokens> <out.json>");
      System.exit(2);
    }
    DjlDefaults.apply();
    Path run = Path.of(args[0]);
    Dataset d = DatasetFiles.read(Path.of(args[1]));
    int prompts = Integer.parseInt(args[2]);
    int repeats = Integer.parseInt(args[3]);
    int maxNew = Integer.parseInt(args[4]);
    List<Sample> test = Evaluation.sample(SplitFiles.read(Path.of(args[1]), "bigrec", "test"), prompts, 0);
    List<String> catalogue = List.copyOf(d.titles().values());
    Map<String, Object> out = new LinkedHashMap<>();
    try (TitleGenerator gen = new TitleGenerator(run.resolve(ReleaseLayout.BASE), run.resolve(ReleaseLayout.ADAPTER),
        d.prompts())) {
      TitleTrie trie = gen.trie(catalogue);
      List<long[]> paths = new ArrayList<>();
      for (int row = 0; row < trie.titles(); row++) {
        paths.add(trie.tokens(row));
      }
      out.put("eos", gen.eosTokenId());
      out.put("maxNewTokens", maxNew);
      out.put("repeats", repeats);
      out.put("trie", paths);
      List<Map<String, Object>> rows = new ArrayList<>();
      gen.generate(history(d, test.get(0)), 4, maxNew, trie); // warm-up
      for (Sample s : test) {
        List<String> h = history(d, s);
        long[] ids = gen.promptIds(h);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ids", ids);
        r.put("greedy", gen.greedyTokens(ids, maxNew));
        r.put("beams", Map.of("free4", hypotheses(gen.beamHypotheses(ids, 4, maxNew, null)),
            "constrained4", hypotheses(gen.beamHypotheses(ids, 4, maxNew, trie))));
        r.put("ms", timings(gen, h, ids, repeats, maxNew, trie));
        // as served, the prompt's fixed beginning comes from the cache; without it, the whole
        // prompt is prefilled per request, as generate() does
        gen.cachePromptPrefix(false);
        r.put("msNoPrefixCache", timings(gen, h, ids, repeats, maxNew, trie));
        gen.cachePromptPrefix(true);
        rows.add(r);
        System.err.printf("in-process: prompt %d/%d (%d tokens) %s, without the prefix cache %s%n", rows.size(),
            test.size(), ids.length, r.get("ms"), r.get("msNoPrefixCache"));
      }
      out.put("prompts", rows);
    }
    new ObjectMapper().writeValue(Path.of(args[5]).toFile(), out);
  }

  /** Median milliseconds of greedy, free 4-beam, constrained 1- and 4-beam generation of one prompt. */
  private static Map<String, Double> timings(TitleGenerator gen, List<String> h, long[] ids, int repeats, int maxNew,
      TitleTrie trie) {
    Map<String, Double> ms = new LinkedHashMap<>();
    ms.put("free1", median(repeats, () -> gen.greedyTokens(ids, maxNew)));
    ms.put("free4", median(repeats, () -> gen.generate(h, 4, maxNew, null)));
    ms.put("constrained1", median(repeats, () -> gen.generate(h, 1, maxNew, trie)));
    ms.put("constrained4", median(repeats, () -> gen.generate(h, 4, maxNew, trie)));
    return ms;
  }

  /** The sample's history titles (already the split's window), as eval and the gateway's callers send them. */
  private static List<String> history(Dataset d, Sample s) {
    return s.history().stream().map(d.titles()::get).toList();
  }

  private static List<Map<String, Object>> hypotheses(List<dev.recsys.llm.Decoding.Hypothesis> hs) {
    return hs.stream().map(h -> Map.<String, Object>of("tokens", h.tokens(), "score", h.score())).toList();
  }

  private static double median(int repeats, Runnable r) {
    double[] ms = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[repeats / 2];
  }
}
