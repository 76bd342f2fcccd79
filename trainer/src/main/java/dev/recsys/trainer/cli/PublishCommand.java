package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import dev.recsys.ranking.encoder.Encoders;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.trainer.eval.EvalReport;
import dev.recsys.trainer.publish.RunReleases;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.publish.PublishGate;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Builds a release (catalogue with popularity, transition counts, embedding snapshot) from a dataset's "
        + "training split, publishes it atomically and moves the channel to it.")
final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "dataset folder written by 'import' or 'synthetic'")
  Path dataset;

  @Option(names = "--store", required = true, description = "artifact store root")
  Path store;

  @Option(names = "--tenant", defaultValue = "default", description = "tenant (default ${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--channel", defaultValue = "stable", description = "channel to move (default ${DEFAULT-VALUE})")
  String channel;

  @Option(names = "--protocol", defaultValue = "bigrec", description = "split whose train part is used: bigrec or loo "
      + "(default ${DEFAULT-VALUE})")
  String protocol;

  @Option(names = "--encoder", defaultValue = MiniLmEncoder.ID, description = "encoder for the snapshot (default ${DEFAULT-VALUE})")
  String encoderId;

  @Option(names = "--gamma", defaultValue = "0.0", description = "popularity weight gamma served with this release "
      + "(default ${DEFAULT-VALUE})")
  double gamma;

  @Option(names = "--run", description = "a trained and evaluated run folder ('train' + 'eval') to ship: base "
      + "checkpoint, LoRA adapter, LLM embedding snapshot and metrics")
  Path run;

  @Option(names = "--gate-margin", defaultValue = "0.01", description = "with --run: refuse when validation NDCG@10 is "
      + "worse than the serving release's by more than this (default ${DEFAULT-VALUE})")
  double gateMargin;

  @Option(names = "--force", description = "with --run: publish even if a gate refuses")
  boolean force;

  @Option(names = "--pipeline", description = "with --run: serve the best pipeline of this kind on validation (bigrec, "
      + "bigrec-union, d3, llm-rerank, sequential; a rerank source: sasrec+llm-rerank, transitions+llm-rerank, "
      + "mix+llm-rerank; or mix, the best mixture of signals alone) instead of the one 'eval' chose; refused when it "
      + "is worse than the run's best "
      + "ranking without the LLM, unless --force")
  String pipelineKind;

  @Option(names = "--no-index", description = "do not build the HNSW index; each grounding replica then builds it "
      + "when it loads the release")
  boolean noIndex;

  @Option(names = "--signing-key", defaultValue = "${env:RECSYS_SIGNING_KEY}", description = "Ed25519 private key "
      + "(PKCS#8 PEM; its public half beside it as <name>.pub; 'keygen' writes both) that signs the release's manifest, "
      + "so that the services, which trust its public key, serve it (default: env RECSYS_SIGNING_KEY)")
  Path signingKey;

  @Option(names = "--unsigned", description = "publish without a signature: only services started with "
      + "allow-unsigned (development) serve such a release")
  boolean unsigned;

  @Override
  public Integer call() throws Exception {
    if ((signingKey == null) == !unsigned) {
      throw new ParameterException(spec.commandLine(), signingKey == null
          ? "publish signs every release: give --signing-key <private key> (or RECSYS_SIGNING_KEY; 'recsys-trainer "
              + "keygen' makes a pair), or --unsigned for a store served with allow-unsigned"
          : "--signing-key and --unsigned contradict each other: give one");
    }
    ReleaseSigner signer = signingKey == null ? null : ReleaseSigner.fromFile(signingKey);
    FileArtifactStore artifacts = signer == null ? new FileArtifactStore(store)
        : new FileArtifactStore(store).signingWith(signer);
    Dataset d = DatasetFiles.read(dataset);
    var train = SplitFiles.read(dataset, protocol, "train");
    ReleaseBuilder builder = new ReleaseBuilder(artifacts, Encoders.byId(encoderId));
    ReleaseBuilder.LlmRun llmRun = null;
    ServingPipeline pipeline = null;
    if (run != null) {
      EvalReport eval = EvalReport.read(run);
      EvalReport.Candidate chosen = RunReleases.choose(eval, pipelineKind);
      pipeline = chosen.pipeline();
      PublishGate.checkAgainstNonLlm(pipeline.name(), pipeline.usesLlm(), chosen.validNdcg10(), eval.bestNonLlm(),
          eval.bestNonLlmValidNdcg10(), force);
      Optional<ReleaseLayout> serving = artifacts.pointer(tenant, channel).map(r -> artifacts.open(tenant, r));
      PublishGate.check(serving, chosen.validNdcg10(), gateMargin, force);
      llmRun = RunReleases.llmRun(run, eval, chosen);
    }
    ReleaseManifest m;
    try (ProgressBar bar = ProgressBars.console("encode titles", d.titles().size())) {
      m = builder.publish(ReleaseBuilder.Request.to(tenant, d, train).channel(channel)
          .provenance(DatasetFiles.contentHash(dataset), protocol).gamma(gamma).producer("recsys-trainer publish 0.1.0")
          .index(!noIndex).run(llmRun), bar::stepTo);
    }
    spec.commandLine().getOut().printf("published release %s for tenant %s (%d items, encoder %s, %d-d); channel %s -> %s%n",
        m.release(), m.tenant(), m.itemCount(), m.encoder(), m.dimension(), channel, m.release());
    spec.commandLine().getOut().println(signer != null ? "signed by key " + signer.keyId()
        : "NOT signed (--unsigned): services that check signatures refuse it");
    if (pipeline != null) {
      spec.commandLine().getOut().printf("serving pipeline: %s%n", pipeline.describe());
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
