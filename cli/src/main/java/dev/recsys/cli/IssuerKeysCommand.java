package dev.recsys.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
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
    Files.createDirectories(out);
    Path key = out.resolve("issuer.key");
    Path pub = out.resolve("issuer.pub");
    if (Files.exists(key) || Files.exists(pub)) {
      throw new ParameterException(spec.commandLine(), key + " or " + pub + " exists: an issuer key is never overwritten");
    }
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair pair = rsa.generateKeyPair();
    Files.writeString(pub, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()));
    Files.createFile(key, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(key, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
    spec.commandLine().getOut().printf("issuer keys: private %s, public %s%n", key, pub);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
