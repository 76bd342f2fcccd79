package dev.recsys.cli;

import dev.recsys.cli.dev.DevIssuerKeys;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "issuer-keys", mixinStandardHelpOptions = true,
    description = "Development only: makes an RSA-2048 token-issuer key pair, issuer.key (PKCS#8 PEM, for 'token') "
        + "and issuer.pub (for the gateway's recsys.gateway.auth.jwt.public-key-location). In production the tokens "
        + "come from your identity provider and the gateway gets its public key.")
final class IssuerKeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "folder for issuer.key and issuer.pub (created)")
  Path out;

  @Override
  public Integer call() throws Exception {
    try {
      DevIssuerKeys.write(out);
    } catch (FileAlreadyExistsException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    spec.commandLine().getOut().printf("issuer keys: private %s, public %s%n", out.resolve(DevIssuerKeys.PRIVATE),
        out.resolve(DevIssuerKeys.PUBLIC));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
