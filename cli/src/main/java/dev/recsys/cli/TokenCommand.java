package dev.recsys.cli;

import io.smallrye.jwt.build.Jwt;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
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
    PrivateKey k = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(key, "PRIVATE KEY")));
    Instant now = Instant.now();
    spec.commandLine().getOut().println(Jwt.issuer(issuer).subject(subject).audience(audience).issuedAt(now)
        .expiresAt(now.plus(ttl)).sign(k));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
