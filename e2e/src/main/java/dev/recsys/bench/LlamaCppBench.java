package dev.recsys.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.e2e.Releases;
import dev.recsys.llm.Decoding;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Tokenizer;
import dev.recsys.llm.gguf.GgufLlamaConverter;
import dev.recsys.llm.gguf.PretrainedBase;
import dev.recsys.trainer.split.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The in-process generator's greedy decoding against llama.cpp ({@code de.kherud:llama}, its
 * native library from Maven Central) on the same pretrained base and prompts, one thread each:
 * SmolLM2-135M-Instruct's original GGUF (Q4_1 weights, Q8_0 embedding) for llama.cpp, and the
 * float32 checkpoint the trainer converts from that file for the in-process model (no adapter, no
 * prompt-prefix cache on either side, so both run the whole prompt every time). The same BIGRec
 * prompts (test histories of MovieLens-100K, or the synthetic catalogue) as the same token ids
 * (llama.cpp's tokenization, which adds no BOS for this GGUF), up to {@code maxNew} new tokens,
 * alternating the two per prompt. Prints medians of the request, the prefill (in-process: from
 * {@link Decoding#observing}; llama.cpp: the prompt and one token) and the time per further token,
 * the ratio, and how often the two greedy continuations agree (llama.cpp multiplies quantized
 * weights by quantized activations, so its logits are close to, not equal to, the float32 model's).
 *
 * <p>Usage: {@code LlamaCppBench [prompts] [maxNew]}; the GGUF comes from
 * {@code scripts/fetch-base.sh} ({@code .cache/bases/}).
 */
public final class LlamaCppBench {
  private LlamaCppBench() {}

  public static void main(String[] args) throws Exception {
    DjlDefaults.apply();
    int prompts = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int maxNew = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    PretrainedBase base = PretrainedBase.SMOLLM2_135M;
    Path gguf = PretrainedGguf.verifiedOrExit("");
    Path hf = Files.createTempDirectory("recsys-llamacpp-bench");
    GgufLlamaConverter.Result converted = GgufLlamaConverter.convert(gguf, hf);
    Path ml = Releases.ml100k();
    Dataset d = ml != null ? Releases.movieLens(ml) : Releases.synthetic();
    List<Sample> samples = Releases.bigrec(d).test();

    LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> {
      if (level == LogLevel.ERROR) {
        System.err.print(msg);
      }
    });
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        Tokenizer tokenizer = Tokenizer.load(hf.resolve(ModelFiles.TOKENIZER));
        LlamaModel cpp = new LlamaModel(new ModelParameters().setModel(gguf.toString()).setThreads(1)
            .setThreadsBatch(1).setCtxSize(2048).setGpuLayers(0).disableLog())) {
      dev.recsys.llm.LlamaModel model = LlamaCheckpoint.load(hf, manager);
      model.prepareForInference(); // as the generator serves it
      Decoding decoding = new Decoding(model, manager);
      LlamaConfig c = model.config();
      System.out.printf(Locale.ROOT, "base %s (%,d parameters; llama.cpp on %s, in-process on its float32 "
          + "conversion), %s, %d prompts, up to %d new tokens, greedy, 1 thread each, %d cores%n%n", base.name(),
          converted.parameters(), gguf.getFileName(), d.name(), prompts, maxNew,
          Runtime.getRuntime().availableProcessors());
      // per prompt: total time, prefill time, generated tokens; [0] in-process, [1] llama.cpp
      long[][] total = new long[2][prompts];
      long[][] prefill = new long[2][prompts];
      int[][] generated = new int[2][prompts];
      int[] promptTokens = new int[prompts];
      int sameTokenization = 0;
      int sameText = 0;
      for (int i = -2; i < prompts; i++) { // two warm-up prompts
        Sample s = samples.get(Math.floorMod(i * 7, samples.size()));
        String text = d.prompts().recommend(titles(d, s));
        // the token ids llama.cpp runs (it adds no BOS for this GGUF), run by the in-process model too
        long[] ids = Arrays.stream(cpp.encode(text)).asLongStream().toArray();
        long[] prefillNanos = new long[1];
        long t0 = System.nanoTime();
        long[] ours = Decoding.observing((from, to, rows, tokens, cached) -> prefillNanos[0] = to - from,
            () -> decoding.greedy(ids, maxNew, c.eosTokenId()).tokens());
        long t1 = System.nanoTime();
        String theirs = cpp.complete(params(text, maxNew));
        long t2 = System.nanoTime();
        cpp.complete(params(text, 1)); // the prompt and one token: llama.cpp's prefill
        long t3 = System.nanoTime();
        if (i < 0) {
          continue;
        }
        total[0][i] = t1 - t0;
        total[1][i] = t2 - t1;
        prefill[0][i] = prefillNanos[0];
        prefill[1][i] = t3 - t2;
        generated[0][i] = ours.length;
        generated[1][i] = cpp.encode(theirs).length;
        promptTokens[i] = ids.length;
        sameTokenization += Arrays.equals(ids, tokenizer.encode(text)) ? 1 : 0;
        String oursText = tokenizer.decode(strip(ours, c.eosTokenId()));
        boolean same = oursText.strip().equals(theirs.strip());
        sameText += same ? 1 : 0;
        if (!same && System.getenv("RECSYS_BENCH_VERBOSE") != null) {
          System.out.printf("in-process: %s%nllama.cpp:  %s%n", oursText, theirs);
        }
      }
      System.out.printf(Locale.ROOT, "prompt tokens: median %d; our tokenizer's ids equal to llama.cpp's: %d / %d; "
          + "the same greedy text: %d / %d%n%n", median(promptTokens), sameTokenization, prompts, sameText, prompts);
      System.out.println("| greedy, 1 thread | request p50 (ms) | p95 (ms) | prefill p50 (ms) | per new token p50 (ms) |");
      System.out.println("|---|---|---|---|---|");
      String[] names = {"in-process (DJL, float32)", "llama.cpp (Q4_1 GGUF)"};
      double[] p50 = new double[2];
      for (int side = 0; side < 2; side++) {
        long[] perToken = new long[prompts];
        for (int i = 0; i < prompts; i++) {
          perToken[i] = (total[side][i] - prefill[side][i]) / Math.max(1, generated[side][i] - 1);
        }
        Stats t = new Stats(total[side]);
        p50[side] = t.p(50);
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", names[side], t.p(50), t.p(95),
            new Stats(prefill[side]).p(50), new Stats(perToken).p(50));
      }
      System.out.printf(Locale.ROOT, "%nin-process / llama.cpp, request p50: %.2f%n", p50[0] / p50[1]);
    }
    System.exit(0); // llama.cpp's native worker threads would keep the JVM alive
  }

  private static InferenceParameters params(String text, int maxNew) {
    return new InferenceParameters(text).setNPredict(maxNew).setTemperature(0f).setTopK(1).setCachePrompt(false)
        .setSeed(0);
  }

  private static List<String> titles(Dataset d, Sample s) {
    List<String> ids = s.history().subList(Math.max(0, s.history().size() - 10), s.history().size());
    return ids.stream().map(d.titles()::get).toList();
  }

  private static long[] strip(long[] tokens, long eos) {
    return tokens.length > 0 && tokens[tokens.length - 1] == eos ? Arrays.copyOf(tokens, tokens.length - 1) : tokens;
  }

  private static int median(int[] xs) {
    int[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
