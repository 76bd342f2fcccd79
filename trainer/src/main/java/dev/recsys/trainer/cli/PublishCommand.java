package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.FileArtifactStore;
import dev.recsys.common.artifact.ReleaseManifest;
import dev.recsys.common.encoder.Encoders;
import dev.recsys.common.encoder.MiniLmEncoder;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.DatasetFiles;
import dev.recsys.trainer.publish.ReleaseBuilder;
import dev.recsys.trainer.split.SplitFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--no-index", description = "do not build the HNSW index; each grounding replica then builds it "
      + "when it loads the release")
  boolean noIndex;

  @Override
  public Integer call() throws Exception {
    Dataset d = DatasetFiles.read(dataset);
    var train = SplitFiles.read(dataset, protocol, "train");
    ReleaseBuilder builder = new ReleaseBuilder(new FileArtifactStore(store), Encoders.byId(encoderId));
    ReleaseManifest m;
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("encode titles").setInitialMax(d.titles().size())
        .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
        .build()) {
      m = builder.publish(new ReleaseBuilder.Request(tenant, channel, d, DatasetFiles.contentHash(dataset), protocol, train,
          gamma, "recsys-trainer publish 0.1.0", !noIndex), bar::stepTo);
    }
    spec.commandLine().getOut().printf("published release %s for tenant %s (%d items, encoder %s, %d-d); channel %s -> %s%n",
        m.release(), m.tenant(), m.itemCount(), m.encoder(), m.dimension(), channel, m.release());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
