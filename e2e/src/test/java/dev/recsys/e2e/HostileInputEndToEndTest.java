package dev.recsys.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.recsys.proto.generator.v1.GenerateRequest;
import dev.recsys.proto.generator.v1.GeneratorServiceGrpc;
import dev.recsys.proto.generator.v1.HistoryItem;
import dev.recsys.proto.grounding.v1.GroundRequest;
import dev.recsys.proto.grounding.v1.GroundingServiceGrpc;
import dev.recsys.proto.recommend.v1.RecommendRequest;
import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.split.Splits;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of malformed requests against every service's RPC, as raw bytes on the wire: random
 * bytes, mutations of a valid request (bit flips, cuts, inserted bytes), invalid UTF-8 and control
 * characters in string fields, 200,000-character strings and 60,000 repeated entries (inside the
 * services' 256 KiB message limit), megabyte strings, a million entries and 5 MiB bodies (over it),
 * negative / NaN / infinite numbers, unknown fields. Every answer must be OK or a status the RPC's
 * .proto lists, never INTERNAL or UNKNOWN, every failure with a message (a body over the size
 * limit too: the Vert.x server refuses it before any service code runs, and the message naming the
 * limit is OversizedMessageStatus');
 * and each service still answers a valid request afterwards. Prints the counts by status.
 */
class HostileInputEndToEndTest {
  /** Requests per RPC: {@code -Drecsys.fuzz.requests=N} to change. */
  static final int REQUESTS = Integer.getInteger("recsys.fuzz.requests", 10_000);

  @TempDir Path dir;

  record Target(String service, String method, byte[] valid, Set<Status.Code> listed, List<int[]> strings,
      List<int[]> numbers) {}

  @Test
  void malformedRequests_getAListedStatusWithAMessage_andTheServicesKeepAnswering() throws Exception {
    Dataset d = Releases.synthetic();
    Splits splits = Releases.bigrec(d);
    String item = splits.test().get(0).history().get(0);
    try (StackFixture fx = StackFixture.start(dir, Duration.ofMillis(500), r -> r.publish("default", d, splits, 0.0))) {
      byte[] recommend = RecommendRequest.newBuilder().setTenant("default").addHistory(item).setK(10).build()
          .toByteArray();
      byte[] generate = GenerateRequest.newBuilder().setTenant("default")
          .addHistory(HistoryItem.newBuilder().setItemId(item).setTitle(d.titles().get(item))).setNumCandidates(4)
          .build().toByteArray();
      byte[] ground = GroundRequest.newBuilder().setTenant("default").addTexts(d.titles().get(item)).setK(10)
          .addHistoryItemIds(item).build().toByteArray();
      Set<Status.Code> common = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
          Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED);
      Set<Status.Code> internal = EnumSet.copyOf(common);
      internal.addAll(List.of(Status.Code.PERMISSION_DENIED, Status.Code.FAILED_PRECONDITION));
      // field numbers of strings {field, nested field or 0} and of numbers (varint or double), per message
      List<Target> targets = List.of(
          new Target("gateway", "recsys.recommend.v1.RecommendService/Recommend", recommend, common,
              List.of(new int[] {1, 0}, new int[] {2, 0}, new int[] {7, 0}),
              List.of(new int[] {3, 0}, new int[] {5, 0}, new int[] {6, 1})),
          new Target("generator", "recsys.generator.v1.GeneratorService/Generate", generate, internal,
              List.of(new int[] {1, 0}, new int[] {2, 1}, new int[] {2, 2}, new int[] {4, 0}, new int[] {5, 0}),
              List.of(new int[] {3, 0})),
          new Target("grounding", "recsys.grounding.v1.GroundingService/Ground", ground, internal,
              List.of(new int[] {1, 0}, new int[] {2, 0}, new int[] {4, 0}, new int[] {6, 0}, new int[] {7, 0}),
              List.of(new int[] {3, 0}, new int[] {5, 1})));
      StringBuilder report = new StringBuilder("hostile input, " + REQUESTS + " requests per RPC:\n");
      for (Target t : targets) {
        NettyChannelBuilder b = fx.stack.channel(t.service())
            .maxInboundMessageSize(16 << 20);
        if (t.service().equals("gateway")) {
          b.intercept(fx.stack.issuer().bearer(DevIssuer.SUBJECT)); // an authenticated caller's malformed requests
        }
        ManagedChannel ch = b.build();
        try {
          Map<String, Integer> counts = fuzz(ch, t, new Random(t.method().hashCode()));
          report.append(String.format("  %-50s %s%n", t.method(), counts));
          // still answering a valid request
          assertThat(call(ch, t.method(), t.valid()).getCode()).as("%s after the corpus", t.method())
              .isEqualTo(Status.Code.OK);
        } finally {
          ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      System.out.print(report);
    }
  }

  /** Sends the corpus, 8 calls at a time; returns the counts by status and fails on a forbidden one. */
  static Map<String, Integer> fuzz(ManagedChannel ch, Target t, Random rnd) throws Exception {
    List<byte[]> corpus = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      corpus.add(malformed(t, rnd, i));
    }
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger index = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        done.add(pool.submit(() -> {
          for (int i = index.getAndIncrement(); i < corpus.size(); i = index.getAndIncrement()) {
            Status s = call(ch, t.method(), corpus.get(i));
            counts.merge(s.getCode().name(), 1, Integer::sum);
            boolean listed = t.listed().contains(s.getCode());
            boolean oversized = corpus.get(i).length > SIZE_LIMIT;
            boolean explained = s.isOk() || (s.getDescription() != null && !s.getDescription().isBlank());
            // a body over the limit is refused by the Vert.x server before any service code runs: its message
            // is OversizedMessageStatus', and names the limit
            explained &= !oversized || s.isOk() || s.getDescription().contains(SIZE_LIMIT + " bytes");
            if (oversized) {
              counts.merge("(over " + (SIZE_LIMIT >> 10) + " KiB)", 1, Integer::sum);
            }
            if ((!listed || !explained) && bad.size() < 10) {
              bad.add("request " + i + " (kind " + (i % KINDS) + ", " + corpus.get(i).length + " bytes): "
                  + s.getCode() + " '" + s.getDescription() + "'");
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bad).as("answers of %s that are not a listed status with a message", t.method()).isEmpty();
    return new TreeMap<>(counts);
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static Status call(ManagedChannel ch, String method, byte[] body) {
    MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    try {
      ClientCalls.blockingUnaryCall(ch, m, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), body);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  static final int KINDS = 12;
  /** The services' message-size limit (Quarkus' unified Vert.x server: 256 KiB). */
  static final int SIZE_LIMIT = 256 << 10;

  /** The i-th malformed request for a target: its kind is {@code i % KINDS}. */
  static byte[] malformed(Target t, Random rnd, int i) {
    byte[] v = t.valid();
    return switch (i % KINDS) {
      case 0 -> randomBytes(rnd, rnd.nextInt(2048));
      case 1 -> flipped(v, rnd);
      case 2 -> java.util.Arrays.copyOf(v, rnd.nextInt(v.length)); // cut
      case 3 -> inserted(v, rnd);
      case 4 -> concat(v, stringField(pick(t.strings(), rnd), invalidUtf8(rnd)));
      case 5 -> concat(v, stringField(pick(t.strings(), rnd), controlCharacters(rnd).getBytes(
          java.nio.charset.StandardCharsets.UTF_8)));
      case 6 -> concat(v, stringField(pick(t.strings(), rnd), "x".repeat(200_000).getBytes(
          java.nio.charset.StandardCharsets.US_ASCII))); // a 200,000-character string, inside the size limit
      case 7 -> repeated(v, pick(t.strings(), rnd), 60_000); // 60,000 repeated entries, inside the limit
      case 8 -> switch (i / KINDS % 100) {
        case 0 -> concat(v, stringField(pick(t.strings(), rnd), new byte[1 << 20])); // a megabyte string
        case 1 -> repeated(v, pick(t.strings(), rnd), 1_000_000); // a million entries
        case 2 -> concat(v, stringField(new int[] {1, 0}, new byte[5 << 20])); // over gRPC's own 4 MiB
        default -> concat(v, stringField(pick(t.strings(), rnd), randomBytes(rnd, 64)));
      };
      case 9 -> concat(v, number(pick(t.numbers(), rnd), rnd));
      case 10 -> concat(v, unknownField(rnd));
      default -> concat(v, randomBytes(rnd, 1 + rnd.nextInt(16))); // trailing garbage
    };
  }

  static int[] pick(List<int[]> fields, Random rnd) {
    return fields.get(rnd.nextInt(fields.size()));
  }

  static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  static byte[] flipped(byte[] v, Random rnd) {
    byte[] b = v.clone();
    for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
      int at = rnd.nextInt(b.length);
      b[at] ^= (byte) (1 << rnd.nextInt(8));
    }
    return b;
  }

  static byte[] inserted(byte[] v, Random rnd) {
    int at = rnd.nextInt(v.length + 1);
    return concat(java.util.Arrays.copyOf(v, at), randomBytes(rnd, 1 + rnd.nextInt(8)),
        java.util.Arrays.copyOfRange(v, at, v.length));
  }

  static byte[] invalidUtf8(Random rnd) {
    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0,
        (byte) 0x80}, {(byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0xBC}};
    return concat("ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII), bad[rnd.nextInt(bad.length)]);
  }

  static String controlCharacters(Random rnd) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 1 + rnd.nextInt(20); k++) {
      b.append((char) rnd.nextInt(32));
    }
    return b.toString();
  }

  /** A length-delimited field {@code f[0]} holding {@code value}, or a nested message f[0] { f[1]: value }. */
  static byte[] stringField(int[] f, byte[] value) {
    if (f[1] == 0) {
      return encode(out -> out.writeByteArray(f[0], value));
    }
    byte[] inner = encode(out -> out.writeByteArray(f[1], value));
    return encode(out -> out.writeByteArray(f[0], inner));
  }

  static byte[] repeated(byte[] v, int[] f, int n) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(v);
    byte[] one = stringField(f, new byte[] {'1'});
    for (int k = 0; k < n; k++) {
      b.writeBytes(one);
    }
    return b.toByteArray();
  }

  /** A number field: f[1] == 0 a varint (negative, huge), 1 a double (NaN, infinite, negative). */
  static byte[] number(int[] f, Random rnd) {
    if (f[1] == 1) {
      double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, 1e308, -0.0};
      double x = values[rnd.nextInt(values.length)];
      return encode(out -> out.writeDouble(f[0], x));
    }
    long[] values = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 0};
    long x = values[rnd.nextInt(values.length)];
    return encode(out -> out.writeInt64(f[0], x));
  }

  static byte[] unknownField(Random rnd) {
    int field = 100 + rnd.nextInt(10_000);
    return rnd.nextBoolean() ? encode(out -> out.writeUInt64(field, rnd.nextLong()))
        : encode(out -> out.writeBytes(field, ByteString.copyFrom(randomBytes(rnd, rnd.nextInt(64)))));
  }

  interface Writes {
    void to(CodedOutputStream out) throws IOException;
  }

  static byte[] encode(Writes w) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(b);
    try {
      w.to(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
