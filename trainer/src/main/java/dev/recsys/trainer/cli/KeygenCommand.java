package dev.recsys.trainer.cli;

import dev.recsys.common.artifact.signing.ReleaseKeys;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Makes an Ed25519 key pair for signing releases: <name>.key (PKCS#8 PEM, readable by its owner "
        + "only: give it to 'publish --signing-key') and <name>.pub (give it to the services' trusted keys). "
        + "An existing key is never overwritten.")
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "folder for the two files (created)")
  Path out;

  @Option(names = "--name", defaultValue = "release-signing", description = "file name without extension "
      + "(default ${DEFAULT-VALUE})")
  String name;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Path key = out.resolve(name + ".key");
    Path pub = ReleaseSigner.publicKeyFile(key);
    for (Path p : new Path[] {key, pub}) {
      if (Files.exists(p)) {
        throw new ParameterException(spec.commandLine(), p + " exists: a signing key is never overwritten "
            + "(choose another --name, or delete the old pair once no release needs it)");
      }
    }
    KeyPair pair = ReleaseKeys.generate();
    ReleaseKeys.writePrivate(key, pair.getPrivate());
    ReleaseKeys.writePublic(pub, pair.getPublic());
    spec.commandLine().getOut().printf("key %s: private %s (keep it secret), public %s%n",
        ReleaseKeys.keyId(pair.getPublic()), key, pub);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
