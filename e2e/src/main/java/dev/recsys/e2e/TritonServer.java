package dev.recsys.e2e;

import dev.recsys.cli.dev.DevCertificates;
import dev.recsys.generator.triton.TritonTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Triton server (PyTriton's tritonserver, installed by scripts/setup-triton.sh) started
 * with scripts/triton-server.sh on loopback ports, serving a model repository written by the
 * trainer's triton-repo command, its gRPC over mutual TLS with the {@link DevCertificates} given
 * (its server certificate {@code triton}; callers must show a certificate of
 * {@code triton-clients-ca}, the generator's). Stopped, with its tritonserver child, on close.
 */
public final class TritonServer implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int grpcPort;
  private final DevCertificates certs;

  /** Whether scripts/setup-triton.sh has installed the server beside the checkout. */
  public static boolean installed() {
    return Files.isExecutable(LocalStack.repoRoot().resolve(".venv-triton/bin/python"));
  }

  public TritonServer(Path repo, String model, Path log, DevCertificates certs) throws Exception {
    this.log = log;
    this.certs = certs;
    this.grpcPort = Ports.free();
    Path script = LocalStack.repoRoot().resolve("scripts/triton-server.sh");
    process = new ProcessBuilder("bash", script.toString(), "--repo", repo.toString(), "--model", model,
        "--grpc-port", Integer.toString(grpcPort), "--http-port", Integer.toString(Ports.free()),
        "--metrics-port", Integer.toString(Ports.free()),
        "--tls-cert", certs.cert(DevCertificates.TRITON).toString(),
        "--tls-key", certs.key(DevCertificates.TRITON).toString(),
        "--tls-client-ca", certs.cert(DevCertificates.TRITON_CLIENTS_CA).toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains("RECSYS-TRITON-READY")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("Triton exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(250);
    }
    close();
    throw new IllegalStateException("Triton not ready within 180 s:\n" + tail());
  }

  /** How the generator reaches it: mutual TLS with the generator's client certificate. */
  public TritonTransport transport() {
    return TritonTransport.mutual(certs.ca(), certs.cert(DevCertificates.GENERATOR_CLIENT),
        certs.key(DevCertificates.GENERATOR_CLIENT));
  }

  /** host:port of its gRPC endpoint. */
  public String target() {
    return "127.0.0.1:" + grpcPort;
  }

  public String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() throws Exception {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
