package dev.recsys.cli;

import dev.recsys.cli.dev.DevCertificates;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dev-certs", mixinStandardHelpOptions = true,
    description = "Development only: throw-away CAs and certificates for a local stack (ECDSA P-256, PEM): ca.crt "
        + "with gateway/generator/grounding .crt/.key (servers, on 127.0.0.1 and localhost), clients-ca.crt with "
        + "gateway-client.crt/.key (the one client the internal stages accept), callers-ca.crt with caller.crt/.key (a caller "
        + "that authenticates to the gateway by certificate: cert:caller), triton.crt/.key and triton-clients-ca.crt with "
        + "generator-client.crt/.key (mutual TLS from the generator to Triton). Existing files are kept. In "
        + "production certificates come from the platform's CA (e.g. cert-manager).")
final class DevCertsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "folder (created)")
  Path out;

  @Override
  public Integer call() {
    DevCertificates certs = DevCertificates.in(out);
    spec.commandLine().getOut().printf("development certificates in %s (servers' CA %s, internal clients' CA %s, "
        + "callers' CA %s)%n", out, certs.ca(), certs.clientsCa(), certs.callersCa());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
