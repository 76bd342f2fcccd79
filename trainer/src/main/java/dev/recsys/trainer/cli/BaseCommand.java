package dev.recsys.trainer.cli;

import dev.recsys.llm.gguf.GgufLlamaConverter;
import dev.recsys.llm.gguf.PretrainedBase;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "base", mixinStandardHelpOptions = true,
    description = "Converts a pretrained llama-architecture GGUF (by default SmolLM2-135M-Instruct, fetched by "
        + "scripts/fetch-base.sh and checked against its pinned SHA-256) into a Hugging Face checkpoint folder: "
        + "config.json, model.safetensors (float32), tokenizer.json, generation_config.json.")
final class BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--gguf", description = "the GGUF file (default .cache/bases/"
      + "SmolLM2-135M-Instruct.Q4_1.gguf)")
  Path gguf;

  @Option(names = "--out", required = true, description = "checkpoint folder to write")
  Path out;

  @Option(names = "--any-gguf", description = "convert a GGUF other than the pinned SmolLM2 file (no checksum check)")
  boolean anyGguf;

  @Override
  public Integer call() throws Exception {
    PretrainedBase base = PretrainedBase.SMOLLM2_135M;
    Path file = gguf != null ? gguf : base.cachedIn(Path.of(""));
    if (!anyGguf) {
      base.verify(file);
    }
    long t0 = System.nanoTime();
    GgufLlamaConverter.Result r = GgufLlamaConverter.convert(file, out);
    spec.commandLine().getOut().printf(Locale.ROOT,
        "converted %s -> %s: %d layers, hidden %d, %d/%d heads, vocab %d, %.1fM parameters (from %s) in %.1f s%n",
        file, out, r.config().numHiddenLayers(), r.config().hiddenSize(), r.config().numAttentionHeads(),
        r.config().numKeyValueHeads(), r.config().vocabSize(), r.parameters() / 1e6, r.sourceTypes().keySet(),
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
