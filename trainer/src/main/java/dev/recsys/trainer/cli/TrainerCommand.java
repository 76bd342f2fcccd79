package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.trainer.data.DatasetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar recsys-trainer.jar <command>}. */
@Command(name = "recsys-trainer", mixinStandardHelpOptions = true, version = "recsys-trainer 0.1.0",
    description = "Prepares data, builds evaluation splits and publishes releases to the artifact store.",
    subcommands = {ImportCommand.class, SyntheticCommand.class, PublishCommand.class, TrainCommand.class,
        EvalCommand.class, CurveCommand.class, SasRecCommand.class, TritonRepoCommand.class, BaseCommand.class,
        KeygenCommand.class})
public final class TrainerCommand {
  public static void main(String[] args) {
    dev.recsys.llm.DjlDefaults.apply();
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling: input problems print one clear line, exit 2. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TrainerCommand());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof DatasetException || ex instanceof ArtifactException || ex instanceof IllegalArgumentException
          || ex instanceof dev.recsys.trainer.publish.PublishGate.Refused) {
        line.getErr().println("error: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cl;
  }
}
