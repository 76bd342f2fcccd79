package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.proto.recommend.v1.RecommendResponse;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Recommend makes one trace across the three processes, exported by each service's real
 * OTLP exporter (http/protobuf) to an OTLP receiver in this test: the gateway's server span is
 * the root; its client calls to the generator and the grounding service parent their server
 * spans; generation, encoding, ANN search and re-ranking are spans of their own; the
 * attributes name the tenant, release, k and candidates.
 */
class TracingEndToEndTest {
  @TempDir Path dir;

  /** A received span with the service that sent it. */
  record Received(String service, Span span) {
    String attr(String key) {
      return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue)
          .map(TracingEndToEndTest::text).findFirst().orElse(null);
    }
  }

  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }

  @Test
  void oneRecommend_isOneTrace_acrossGatewayGeneratorAndGrounding() throws Exception {
    List<Received> spans = new CopyOnWriteArrayList<>();
    HttpServer otlp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    otlp.createContext("/v1/traces", exchange -> {
      ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
      for (ResourceSpans rs : req.getResourceSpansList()) {
        String service = rs.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
            .map(kv -> kv.getValue().getStringValue()).findFirst().orElse("?");
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          ss.getSpansList().forEach(s -> spans.add(new Received(service, s)));
        }
      }
      byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
    });
    otlp.start();
    String endpoint = "http://127.0.0.1:" + otlp.getAddress().getPort();
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> r.publish("default", d, splits, 0.0),
        stack -> {
          for (String svc : List.of("gateway", "generator", "grounding")) {
            stack.set(svc, "quarkus.otel.traces.sampler.arg=1.0", "quarkus.otel.exporter.otlp.traces.protocol=http/protobuf",
                "quarkus.otel.exporter.otlp.traces.endpoint=" + endpoint, "quarkus.otel.bsp.schedule.delay=100ms");
          }
        })) {
      RecommendResponse r = fx.recommend(RecommendRequest.newBuilder().setTenant("default")
          .addAllHistory(splits.test().get(0).history()).setK(7).setNumCandidates(3).setRequestId("trace-me-42").build());
      String release = r.getServedBy().getAdapterVersion();

      // the unified HTTP/2 server's request span is the root; the gRPC server span is its child
      Received recommend = await(spans, s -> s.service().equals("gateway") && s.span().getName().contains("Recommend")
          && s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER);
      Received root = await(spans, s -> s.service().equals("gateway") && s.span().getParentSpanId().isEmpty()
          && (s == recommend || descendantOf(recommend, s, spans)));
      String trace = root.span().getTraceId().toStringUtf8();
      assertThat(recommend.attr("recsys.tenant")).isEqualTo("default");
      assertThat(recommend.attr("recsys.k")).isEqualTo("7");
      assertThat(recommend.attr("recsys.request_id")).isEqualTo("trace-me-42");
      assertThat(recommend.attr("recsys.candidates")).isEqualTo("3");
      assertThat(recommend.attr("recsys.release")).isEqualTo(release);

      Received genClient = await(spans, s -> s.service().equals("gateway") && s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT
          && s.span().getName().contains("Generate") && childOf(s, recommend));
      Received genServer = await(spans, s -> s.service().equals("generator-service")
          && s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER && s.span().getName().contains("Generate")
          && descendantOf(s, genClient, spans));
      assertThat(genServer.attr("recsys.release")).isEqualTo(release);
      Received generate = await(spans, s -> s.service().equals("generator-service") && s.span().getName().equals("generate")
          && childOf(s, genServer));
      assertThat(generate.attr("recsys.candidates")).isEqualTo("3");
      assertThat(generate.attr("recsys.backend")).isEqualTo("transition-baseline");

      Received groundClient = await(spans, s -> s.service().equals("gateway")
          && s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT && s.span().getName().contains("Ground")
          && childOf(s, recommend));
      Received groundServer = await(spans, s -> s.service().equals("grounding-service")
          && s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER && s.span().getName().contains("Ground")
          && descendantOf(s, groundClient, spans));
      assertThat(groundServer.attr("recsys.release")).isEqualTo(release);
      assertThat(groundServer.attr("recsys.k")).isEqualTo("7");
      for (String phase : List.of("encode", "ann-search", "rerank")) {
        await(spans, s -> s.service().equals("grounding-service") && s.span().getName().equals(phase)
            && childOf(s, groundServer));
      }
      Map<String, Long> perService = spans.stream().filter(s -> s.span().getTraceId().toStringUtf8().equals(trace))
          .collect(Collectors.groupingBy(Received::service, Collectors.counting()));
      assertThat(perService).containsOnlyKeys("gateway", "generator-service", "grounding-service");
      // every span of the trace hangs off the one root
      spans.stream().filter(s -> s.span().getTraceId().toStringUtf8().equals(trace) && s != root)
          .forEach(s -> assertThat(descendantOf(s, root, spans)).as(s.span().getName()).isTrue());
    } finally {
      otlp.stop(0);
    }
  }

  static boolean childOf(Received child, Received parent) {
    return child.span().getTraceId().equals(parent.span().getTraceId())
        && child.span().getParentSpanId().equals(parent.span().getSpanId());
  }

  /** Whether {@code ancestor} is on {@code span}'s parent chain (within the received spans). */
  static boolean descendantOf(Received span, Received ancestor, List<Received> all) {
    Received at = span;
    for (int hops = 0; hops < 16 && at != null; hops++) {
      if (childOf(at, ancestor)) {
        return true;
      }
      Received now = at;
      at = all.stream().filter(p -> childOf(now, p)).findFirst().orElse(null);
    }
    return false;
  }

  static Received await(List<Received> spans, java.util.function.Predicate<Received> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      for (Received s : spans) {
        if (match.test(s)) {
          return s;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such span among " + spans.stream()
        .map(s -> s.service() + ":" + s.span().getName() + ":" + s.span().getKind()).toList());
  }
}
