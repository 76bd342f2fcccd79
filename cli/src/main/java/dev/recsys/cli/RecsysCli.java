package dev.recsys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar recsys-cli.jar <command>}. */
@Command(name = "recsys", mixinStandardHelpOptions = true, version = "recsys-cli 0.1.0",
    description = "Command-line client of the recsys gateway.",
    subcommands = {RecommendCommand.class, TokenCommand.class, IssuerKeysCommand.class, DevCertsCommand.class})
public final class RecsysCli {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling: a bad argument or input file (a key that is not a
   * key, an unreadable file) prints one line saying what is wrong, exit 2; a failed call prints its
   * status in the command itself.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new RecsysCli());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException) {
        line.getErr().println("error: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cl;
  }
}
