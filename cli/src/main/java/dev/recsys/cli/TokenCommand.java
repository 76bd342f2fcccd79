package dev.recsys.cli;

import dev.recsys.cli.dev.DevIssuerKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Development only: prints a bearer JWT (RS256, SmallRye JWT Build) signed with a local issuer key "
        + "('issuer-keys' makes one), for 'recommend --token' or RECSYS_TOKEN. In production your identity provider "
        + "issues the tokens.")
final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--key", required = true, description = "the issuer's RSA private key (PKCS#8 PEM)")
  Path key;

  @Option(names = "--issuer", required = true, description = "iss: what the gateway's recsys.gateway.auth.jwt.issuer says")
  String issuer;

  @Option(names = "--subject", required = true, description = "sub: the caller, as the gateway's grants name it")
  String subject;

  @Option(names = "--audience", defaultValue = "recsys-gateway", description = "aud (default ${DEFAULT-VALUE})")
  String audience;

  @Option(names = "--ttl", defaultValue = "PT1H", description = "lifetime, ISO-8601 (default ${DEFAULT-VALUE})")
  Duration ttl;

  @Override
  public Integer call() throws Exception {
    spec.commandLine().getOut().println(DevIssuerKeys.token(key, issuer, subject, audience, Instant.now().plus(ttl)));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
