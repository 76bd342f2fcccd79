package dev.recsys.e2e;

import dev.recsys.cli.dev.DevCertificates;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the three packaged services ({@code <module>/target/quarkus-app/quarkus-run.jar}) as child
 * processes on free loopback ports, serving gRPC over TLS with certificates of a throw-away CA
 * (the internal stages requiring the gateway's client certificate; health and metrics on
 * management ports), all reading one artifact store and trusting releases signed
 * by its {@link DevKeys}, the gateway authenticating callers with tokens of its {@link DevIssuer}
 * (subject {@link DevIssuer#SUBJECT} granted every tenant), and stops them again.
 * Used by the end-to-end tests and the bench commands; nothing is mocked.
 */
public final class LocalStack implements AutoCloseable {
  /** One service: its module folder, its gRPC and management ports, its process. */
  public static final class Service {
    final String module;
    int port;
    int managementPort;
    Process process;
    Path log;
    /** Where this start's output begins in {@link #log} (the log is appended to across starts). */
    long logStart;

    Service(String module) throws IOException {
      this.module = module;
      newPorts();
    }

    void newPorts() throws IOException {
      this.port = Ports.free();
      this.managementPort = Ports.free();
    }

    public int port() {
      return port;
    }

    public Path log() {
      return log;
    }
  }

  private final Path repo;
  private final Path store;
  private final Path logs;
  private final Duration pollInterval;
  private final Map<String, Service> services = new LinkedHashMap<>();
  /** JVM options of the services: tests favour start-up time (C1 only, serial GC). */
  private List<String> jvmOptions = List.of("-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private final Map<String, List<String>> properties = new LinkedHashMap<>();
  private Path trustedKeys;
  private boolean plaintext;

  public LocalStack(Path repo, Path store, Path logs, Duration pollInterval) throws IOException {
    this.repo = repo;
    this.store = store;
    this.logs = logs;
    this.pollInterval = pollInterval;
    Files.createDirectories(logs);
    services.put("grounding", new Service("grounding-service"));
    services.put("generator", new Service("generator-service"));
    services.put("gateway", new Service("gateway"));
  }

  /** The repository root: {@code -Drecsys.repo}, else the working directory or its parent. */
  public static Path repoRoot() {
    String prop = System.getProperty("recsys.repo");
    Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
    return Files.exists(p.resolve("gateway")) ? p : p.getParent();
  }

  /** Replaces the services' JVM options (benchmarks run them as in production: full JIT). */
  public LocalStack jvmOptions(String... options) {
    this.jvmOptions = List.of(options);
    return this;
  }

  /**
   * The public key(s) the services trust (a file or folder; default: the store's {@link DevKeys},
   * which {@link Releases} signs with). A store published by {@code recsys-trainer publish
   * --signing-key K} needs K's public half here.
   */
  public LocalStack trustedKeys(Path keys) {
    this.trustedKeys = keys;
    return this;
  }

  /** Serves gRPC without TLS (the services' {@code plaintext} profile), e.g. to measure what TLS costs. */
  public LocalStack plaintext() {
    this.plaintext = true;
    return this;
  }

  /** The throw-away CAs and certificates of this stack ({@code <store>.keys/tls/}). */
  public DevCertificates certificates() {
    return certificates(store);
  }

  /** The certificates a stack on {@code store} uses (e.g. for a Triton server started before it). */
  public static DevCertificates certificates(Path store) {
    return DevCertificates.in(DevKeys.folder(store).resolve("tls"));
  }

  /**
   * A client channel to a service as this stack serves it: TLS trusting the stack's CA, and to an
   * internal stage with the gateway's client certificate (what the gateway shows); plaintext
   * when the stack is.
   */
  public NettyChannelBuilder channel(String name) {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", services.get(name).port);
    if (plaintext) {
      return b.usePlaintext();
    }
    return b.sslContext(tls(name.equals("gateway") ? null : DevCertificates.GATEWAY_CLIENT));
  }

  /** TLS to this stack's services, showing {@code clientCertificate} (a name of {@link #certificates()}) or none. */
  public SslContext tls(String clientCertificate) {
    DevCertificates certs = certificates();
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(certs.ca().toFile());
      if (clientCertificate != null) {
        ssl.keyManager(certs.cert(clientCertificate).toFile(), certs.key(clientCertificate).toFile());
      }
      return ssl.build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException("cannot set up TLS with " + certs.dir() + ": " + e.getMessage(), e);
    }
  }

  /** Extra {@code -D} settings of one service, e.g. {@code recsys.generator.backend=triton}. */
  public LocalStack set(String service, String... keyValues) {
    properties.computeIfAbsent(service, k -> new ArrayList<>()).addAll(List.of(keyValues));
    return this;
  }

  /**
   * Starts the three services and waits until each is ready. A service that finds one of its ports
   * taken by another process (see {@link Ports}) has every service start again on fresh ports
   * (each service is told the others' ports), up to {@value #PORT_ATTEMPTS} times.
   */
  public LocalStack start() throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        for (String name : services.keySet()) {
          start(name);
        }
        for (String name : services.keySet()) {
          awaitReady(name, Duration.ofSeconds(120));
        }
        return this;
      } catch (ServiceExited e) {
        close();
        if (!e.portTaken() || attempt == PORT_ATTEMPTS) {
          throw e;
        }
        System.err.println("LocalStack: " + e.service() + "'s port was taken; starting the stack again on fresh ports");
        for (Service s : services.values()) {
          s.newPorts();
        }
      } catch (RuntimeException | IOException | InterruptedException e) {
        close(); // no process outlives a start that failed
        throw e;
      }
    }
  }

  static final int PORT_ATTEMPTS = 3;

  /** A service process that ended while it was awaited: its exit code and the end of its output. */
  public static final class ServiceExited extends IllegalStateException {
    private final String service;
    private final boolean portTaken;

    ServiceExited(String service, int exitCode, Path log, String output) {
      super(service + " exited with " + exitCode + "; see " + log + "; its last lines:\n" + tail(output, 30));
      this.service = service;
      // Quarkus's words when a port it binds is taken
      this.portTaken = output.contains("seems to be in use by another process");
    }

    public String service() {
      return service;
    }

    /** Whether it ended because a port it was given was taken. */
    public boolean portTaken() {
      return portTaken;
    }

    private static String tail(String output, int lines) {
      List<String> all = output.lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  /** Starts one service (again, after {@link #stop}). */
  public void start(String name) throws IOException {
    Service s = services.get(name);
    Path jar = repo.resolve(s.module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"));
    cmd.addAll(jvmOptions);
    if (name.equals("gateway")) {
      cmd.add("-Drecsys.gateway.auth.grants." + DevIssuer.SUBJECT + "=*");
      // tests and benches measure the stages, not the quotas (a test of the quotas sets its own)
      cmd.add("-Drecsys.gateway.quotas.rate=1000000");
      cmd.add("-Drecsys.gateway.quotas.burst=1000000");
    }
    properties.getOrDefault(name, List.of()).forEach(kv -> cmd.add("-D" + kv));
    if (plaintext) {
      cmd.add("-Dquarkus.profile=plaintext");
    }
    String poll = pollInterval.toMillis() + "ms";
    cmd.addAll(List.of("-Drecsys.grounding.store.poll-interval=" + poll, "-Drecsys.generator.store.poll-interval=" + poll,
        "-Drecsys.gateway.store.poll-interval=" + poll, "-jar", jar.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    s.log = logs.resolve(name + ".log");
    s.logStart = Files.exists(s.log) ? Files.size(s.log) : 0;
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(s.log.toFile()));
    Map<String, String> env = pb.environment();
    env.put("RECSYS_STORE", store.toAbsolutePath().toString());
    env.put("RECSYS_JWT_PUBLIC_KEY", DevIssuer.of(store).publicKey().toString());
    env.put("RECSYS_JWT_ISSUER", DevIssuer.ISSUER);
    env.put("RECSYS_TRUSTED_KEYS", (trustedKeys != null ? trustedKeys : DevKeys.of(store).publicKey()).toString());
    env.put("RECSYS_BIND_HOST", "127.0.0.1");
    DevCertificates certs = certificates();
    env.put("RECSYS_TLS_CERT", certs.cert(name).toString());
    env.put("RECSYS_TLS_KEY", certs.key(name).toString());
    env.put("RECSYS_TLS_CLIENT_CA", certs.clientsCa().toString());
    env.put("RECSYS_TLS_CALLERS_CA", certs.callersCa().toString());
    env.put("RECSYS_TRITON_CLIENT_CERT", certs.cert(DevCertificates.GENERATOR_CLIENT).toString());
    env.put("RECSYS_TRITON_CLIENT_KEY", certs.key(DevCertificates.GENERATOR_CLIENT).toString());
    env.put("RECSYS_TLS_CA", certs.ca().toString());
    env.put("RECSYS_TLS_CLIENT_CERT", certs.cert(DevCertificates.GATEWAY_CLIENT).toString());
    env.put("RECSYS_TLS_CLIENT_KEY", certs.key(DevCertificates.GATEWAY_CLIENT).toString());
    for (Map.Entry<String, Service> e : services.entrySet()) {
      env.put(e.getKey().toUpperCase() + "_MANAGEMENT_PORT", Integer.toString(e.getValue().managementPort));
    }
    env.put("GROUNDING_PORT", Integer.toString(services.get("grounding").port));
    env.put("GENERATOR_PORT", Integer.toString(services.get("generator").port));
    env.put("GATEWAY_PORT", Integer.toString(services.get("gateway").port));
    env.put("GROUNDING_HOST", "127.0.0.1");
    env.put("GENERATOR_HOST", "127.0.0.1");
    s.process = pb.start();
  }

  /** Waits until the service's readiness probe answers UP (a release is loaded). */
  public void awaitReady(String name, Duration timeout) throws InterruptedException {
    await(name, "/q/health/ready", timeout);
  }

  /** Waits until the service process answers its liveness probe (it may not be ready). */
  public void awaitLive(String name, Duration timeout) throws InterruptedException {
    await(name, "/q/health/live", timeout);
  }

  private void await(String name, String probe, Duration timeout) throws InterruptedException {
    Service s = services.get(name);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!s.process.isAlive()) {
        throw new ServiceExited(name, s.process.exitValue(), s.log, outputSinceStart(s));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.managementPort
            + probe)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        // the management interface may answer before the gRPC (TLS) port is bound
        if (r.statusCode() == 200 && listening(s.port)) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + ": " + probe + " not UP after " + timeout + "; see " + s.log);
  }

  /** GET of a path of a service's management interface (e.g. /q/metrics, /q/health). */
  public String http(String name, String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + managementPort(name) + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The service's management port (health, metrics; plain HTTP). */
  public int managementPort(String name) {
    return services.get(name).managementPort;
  }

  /** Bearer tokens the gateway of this stack accepts. */
  public DevIssuer issuer() {
    return DevIssuer.of(store);
  }

  public int port(String name) {
    return services.get(name).port;
  }

  public Path log(String name) {
    return services.get(name).log;
  }

  /** Stops one service (SIGTERM, then SIGKILL after 20 s). */
  public void stop(String name) throws InterruptedException {
    Service s = services.get(name);
    if (s.process != null && s.process.isAlive()) {
      s.process.destroy();
      if (!s.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        s.process.destroyForcibly().waitFor();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (String name : List.copyOf(services.keySet()).reversed()) {
      stop(name);
    }
  }

  private static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static String outputSinceStart(Service s) {
    try {
      byte[] all = Files.readAllBytes(s.log);
      int from = (int) Math.min(s.logStart, all.length);
      return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(its log cannot be read: " + e.getMessage() + ")";
    }
  }
}
