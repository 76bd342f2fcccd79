package dev.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.proto.recommend.v1.RecommendServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = "Calls RecommendService/Recommend and prints the items as a table. Give a history with --history, "
        + "or replay samples of a split file (JSON Lines with 'history' and 'target') with --samples.")
final class RecommendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", defaultValue = "localhost:9080", description = "gateway host:port (default ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--tenant", defaultValue = "default", description = "tenant (default ${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--history", split = ",", description = "item ids, oldest first, comma-separated")
  List<String> history;

  @Option(names = "--samples", description = "JSONL file of samples ({\"history\":[...],\"target\":\"...\"})")
  Path samples;

  @Option(names = "--count", defaultValue = "3", description = "samples to replay from --samples (default ${DEFAULT-VALUE})")
  int count;

  @Option(names = "-k", defaultValue = "10", description = "items to return (default ${DEFAULT-VALUE})")
  int k;

  @Option(names = "--include-seen", description = "do not remove history items from the result")
  boolean includeSeen;

  @Option(names = "--candidates", description = "texts the generator proposes (server default when unset)")
  Integer candidates;

  @Option(names = "--ca", defaultValue = "${env:RECSYS_TLS_CA}", description = "CA certificate (PEM) that verifies "
      + "the gateway's TLS certificate (default: env RECSYS_TLS_CA; without it, the JDK's trusted CAs)")
  Path ca;

  @Option(names = "--cert", defaultValue = "${env:RECSYS_TLS_CALLER_CERT}", description = "client certificate (PEM) "
      + "the call authenticates with instead of a token: one of the callers' CA the gateway trusts (default: env "
      + "RECSYS_TLS_CALLER_CERT)")
  Path cert;

  @Option(names = "--key", defaultValue = "${env:RECSYS_TLS_CALLER_KEY}", description = "the client certificate's "
      + "private key (PKCS#8 PEM; default: env RECSYS_TLS_CALLER_KEY)")
  Path key;

  @Option(names = "--plaintext", description = "call without TLS (a gateway run with QUARKUS_PROFILE=plaintext)")
  boolean plaintext;

  @Option(names = "--token", defaultValue = "${env:RECSYS_TOKEN}", description = "bearer token (JWT) the gateway "
      + "authenticates the call with (default: env RECSYS_TOKEN)")
  String token;

  @Option(names = "--deadline-ms", defaultValue = "10000", description = "call deadline (default ${DEFAULT-VALUE})")
  long deadlineMs;

  record Query(List<String> history, String target) {}

  @Override
  public Integer call() throws IOException {
    List<Query> queries = queries();
    PrintWriter out = spec.commandLine().getOut();
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
    if ((cert == null) != (key == null)) {
      throw new ParameterException(spec.commandLine(), "--cert and --key go together");
    }
    if (plaintext) {
      builder.usePlaintext();
    } else if (ca != null || cert != null) {
      var tls = GrpcSslContexts.forClient();
      if (ca != null) {
        tls.trustManager(ca.toFile());
      }
      if (cert != null) {
        tls.keyManager(cert.toFile(), key.toFile());
      }
      builder.sslContext(tls.build());
    }
    if (token != null && !token.isBlank()) {
      Metadata auth = new Metadata();
      auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.trim());
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(auth));
    }
    ManagedChannel channel = builder.build();
    try {
      var stub = RecommendServiceGrpc.newBlockingStub(channel);
      int failures = 0;
      for (Query q : queries) {
        RecommendRequest.Builder req = RecommendRequest.newBuilder().setTenant(tenant).addAllHistory(q.history())
            .setK(k).setExcludeSeen(!includeSeen);
        if (candidates != null) {
          req.setNumCandidates(candidates);
        }
        out.printf("history (%d items, last 10 shown): %s%n", q.history().size(),
            q.history().subList(Math.max(0, q.history().size() - 10), q.history().size()));
        long start = System.nanoTime();
        try {
          RecommendResponse r = stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS).recommend(req.build());
          ResultTable.print(out, r, q.target(), (System.nanoTime() - start) / 1000);
          if (!r.getGeneratedTextsList().isEmpty()) {
            out.println("  generated: " + r.getGeneratedTextsList());
          }
        } catch (StatusRuntimeException e) {
          failures++;
          spec.commandLine().getErr().println("  error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        }
        out.println();
        out.flush();
      }
      return failures == 0 ? 0 : 1;
    } finally {
      channel.shutdownNow();
    }
  }

  private List<Query> queries() throws IOException {
    if ((history == null) == (samples == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --history or --samples");
    }
    if (history != null) {
      return List.of(new Query(history, ""));
    }
    ObjectMapper json = new ObjectMapper();
    List<Query> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(samples, StandardCharsets.UTF_8)) {
      String line;
      while (out.size() < count && (line = in.readLine()) != null) {
        JsonNode n = json.readTree(line);
        List<String> h = new ArrayList<>();
        n.path("history").forEach(x -> h.add(x.asText()));
        out.add(new Query(h, n.path("target").asText("")));
      }
    }
    return out;
  }
}
