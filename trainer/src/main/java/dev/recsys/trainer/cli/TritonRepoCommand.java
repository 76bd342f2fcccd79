package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.trainer.publish.TritonRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "triton-repo", mixinStandardHelpOptions = true,
    description = "Writes the Triton model repository (vLLM backend, LoRA per tenant and release) that serves the "
        + "LLMs published on a channel.")
final class TritonRepoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--store", required = true, description = "artifact store root")
  Path store;

  @Option(names = "--tenant", required = true, split = ",", description = "tenants to serve (comma-separated)")
  List<String> tenants;

  @Option(names = "--channel", defaultValue = "stable", description = "channel (default ${DEFAULT-VALUE})")
  String channel;

  @Option(names = "--model", defaultValue = "recsys-llm", description = "Triton model name (default ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--keep", defaultValue = "2",
      description = "releases per tenant to register: the channel's and those before it (default ${DEFAULT-VALUE})")
  int keep;

  @Option(names = "--out", required = true, description = "model repository folder to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    TritonRepository.Written w = TritonRepository.write(new FileArtifactStore(store), channel, tenants, model, keep, out);
    var o = spec.commandLine().getOut();
    o.printf("wrote %s: base from %s, %d adapter(s)%n", w.modelDir(), w.baseRelease(), w.adapters().size());
    w.adapters().forEach((name, dir) -> o.printf("  lora %s -> %s%n", name, dir));
    w.skipped().forEach(s -> o.printf("  skipped %s%n", s));
    o.flush();
    return 0;
  }
}
