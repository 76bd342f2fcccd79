package dev.recsys.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.LoraConfig;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Tokenizer;
import dev.recsys.llm.gguf.GgufLlamaConverter;
import ai.djl.pytorch.jni.JniUtils;
import dev.recsys.trainer.bigrec.Profile;
import dev.recsys.trainer.bigrec.TrainingRun.LoraData;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.llm.CausalLmTraining;
import dev.recsys.trainer.prompt.InstructionSample;
import dev.recsys.trainer.prompt.SampleBuilder;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The in-process half of the LoRA training peer bench ({@code scripts/bench.sh lora}): the
 * trainer's LoRA phase ({@code --profile pretrained-default}: BIGRec's r=8 on q/v, batch 16, its
 * learning rate, the same samples, tokenisation, micro-batches and clipping as {@code train
 * --base}) on SmolLM2-135M for a few steps, timed per step; then the exact batches it trained on,
 * in order and cut into the same micro-batches, the settings and its per-step timings and losses
 * to a JSON file, from which {@code scripts/hf_lora_peer.py} trains the same base with
 * {@code peft} and prints both side by side.
 *
 * <p>Usage: {@code LoraTrainBench <dataset> <steps> <threads> <out.json>}.
 */
public final class LoraTrainBench {
  private LoraTrainBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: LoraTrainBench <dataset> <steps> <threads> <out.json>");
      System.exit(2);
    }
    Path datasetDir = Path.of(args[0]);
    int steps = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    DjlDefaults.apply();
    Path gguf = PretrainedGguf.verifiedOrExit("");
    Path base = Files.createTempDirectory("recsys-lora-bench");
    GgufLlamaConverter.convert(gguf, base);

    Profile p = Profile.pretrainedStandard();
    long seed = 0;
    Dataset d = DatasetFiles.read(datasetDir);
    List<InstructionSample> samples = new SampleBuilder(d.prompts(), d.titles())
        .build(SplitFiles.read(datasetDir, "bigrec", "train"), p.fineTuneSamples(), p.auxRatio(), seed + 1);
    try (Tokenizer tok = Tokenizer.load(base.resolve(ModelFiles.TOKENIZER));
         NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      LlamaModel model = LlamaCheckpoint.load(base, manager, LoraConfig.bigrec());
      model.freezeBase();
      LoraData all = LoraData.of(tok, model.config(), samples, p, seed);
      CausalLmTraining.Options o = all.options();
      // the first steps' worth of sequences, trained for one epoch in the order train() shuffles them
      List<long[]> sequences = all.sequences().subList(0, Math.min(all.sequences().size(), steps * o.batchSize()));
      CausalLmTraining.Options one = new CausalLmTraining.Options(1, o.batchSize(), o.learningRate(), o.maxLength(),
          o.seed(), o.microBatchFloats());
      List<List<List<long[]>>> batches = CausalLmTraining.firstEpoch(model.config(), sequences, one);

      String trace = System.getenv("RECSYS_LORA_TRACE"); // a Chrome trace file, or null
      List<Double> seconds = new ArrayList<>();
      List<Long> tokens = new ArrayList<>();
      List<Float> losses = new ArrayList<>();
      long[] last = {System.nanoTime(), 0};
      System.err.printf(Locale.ROOT, "in-process LoRA: %d steps of %d sequences, %d PyTorch thread(s)%n",
          batches.size(), o.batchSize(), threads);
      CausalLmTraining.train(model, sequences, all.pad(), one, (step, total, loss, cumulative) -> {
        long now = System.nanoTime();
        seconds.add((now - last[0]) / 1e9);
        tokens.add(cumulative - last[1]);
        losses.add(loss);
        System.err.printf(Locale.ROOT, "  step %d/%d: loss %.4f, %.0f tok/s%n", step, total, loss,
            (cumulative - last[1]) / ((now - last[0]) / 1e9));
        last[0] = now;
        last[1] = cumulative;
        if (step == 1 && trace != null) {
          JniUtils.startProfile(false, false, false); // the steps after the first, in PyTorch's own profiler
        }
      });
      if (trace != null) {
        JniUtils.stopProfile(trace);
        System.err.println("PyTorch profile of the steps after the first: " + trace);
      }

      LoraConfig lora = LoraConfig.bigrec();
      Map<String, Object> dump = new LinkedHashMap<>();
      dump.put("base", base.toString());
      dump.put("threads", threads);
      dump.put("pad", all.pad());
      dump.put("maxLength", o.maxLength());
      dump.put("learningRate", o.learningRate());
      dump.put("batchSize", o.batchSize());
      dump.put("lora", Map.of("r", lora.r(), "alpha", lora.alpha(), "dropout", lora.dropout(),
          "targetModules", lora.targetModules()));
      dump.put("batches", batches);
      dump.put("inProcess", Map.of("seconds", seconds, "tokens", tokens, "losses", losses));
      new ObjectMapper().writeValue(out.toFile(), dump);
    }
  }
}
