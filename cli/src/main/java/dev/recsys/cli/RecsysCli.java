package dev.recsys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar recsys-cli.jar <command>}. */
@Command(name = "recsys", mixinStandardHelpOptions = true, version = "recsys-cli 0.1.0",
    description = "Command-line client of the recsys gateway.",
    subcommands = {RecommendCommand.class, TokenCommand.class, IssuerKeysCommand.class, DevCertsCommand.class})
public final class RecsysCli {
  public static void main(String[] args) {
    System.exit(new CommandLine(new RecsysCli()).execute(args));
  }
}
