package dev.recsys.llm.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(SafetensorsFileTest.class.getResource("/safetensors/" + name).toURI());
  }

  @Test
  void readsAFileWrittenByTheReferenceImplementation() throws Exception {
    SafetensorsFile f = SafetensorsFile.open(resource("reference.safetensors"));
    JsonNode expected = new ObjectMapper().readTree(resource("reference.json").toFile());
    assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("note", "reference");
    assertThat(f.tensors()).containsKeys("token_ids", "model.norm.weight");
    assertThat(f.info("token_ids").dtype()).isEqualTo(DType.I64);
    assertThat(f.info("model.norm.weight").dtype()).isEqualTo(DType.F16);
    assertThat(f.info("model.layers.0.mlp.gate_proj.weight").dtype()).isEqualTo(DType.F64);
    for (var it = expected.fields(); it.hasNext();) {
      var e = it.next();
      FloatTensor t = f.floats(e.getKey());
      long[] shape = new long[e.getValue().get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = e.getValue().get("shape").get(i).asLong();
      }
      assertThat(t.shape()).as(e.getKey()).containsExactly(shape);
      float[] values = new float[t.data().length];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) e.getValue().get("values").get(i).asDouble();
      }
      assertThat(t.data()).as(e.getKey()).containsExactly(values);
    }
    assertThatThrownBy(() -> f.floats("token_ids")).hasMessageContaining("is I64, not a floating-point type");
    assertThatThrownBy(() -> f.floats("nope")).hasMessageContaining("has no tensor 'nope'");
  }

  @Test
  void writeThenRead_roundTripsF32Exactly_andF16Bf16WithinTheirPrecision() throws IOException {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("a", FloatTensor.of(new float[] {1f, -2.5f, 3.1415927f, 1e-3f, 0f, 65504f}, 2, 3));
    tensors.put("b.weight", FloatTensor.of(new float[] {0.1f}, 1));
    tensors.put("scalar", FloatTensor.of(new float[] {42f}));
    for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
      Path file = dir.resolve(dtype + ".safetensors");
      SafetensorsWriter.write(file, tensors, Map.of("format", "pt"), dtype);
      SafetensorsFile f = SafetensorsFile.open(file);
      assertThat(f.tensors().keySet()).containsExactly("a", "b.weight", "scalar");
      assertThat(f.metadata()).containsEntry("format", "pt");
      assertThat(f.floats("a").shape()).containsExactly(2, 3);
      assertThat(f.floats("scalar").shape()).isEmpty();
      float[] back = f.floats("a").data();
      float tolerance = dtype == DType.F32 ? 0f : dtype == DType.F16 ? 1e-3f : 8e-3f;
      float[] in = tensors.get("a").data();
      for (int i = 0; i < in.length; i++) {
        assertThat(Math.abs(back[i] - in[i])).as(dtype + " a[" + i + "]")
            .isLessThanOrEqualTo(Math.max(tolerance * Math.abs(in[i]), dtype == DType.F32 ? 0f : 1e-6f));
      }
      assertThat((8 + headerLength(file)) % 8).as("data section aligned").isZero();
    }
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertThat(SafetensorsWriter.toBf16(1.0f)).isEqualTo((short) 0x3f80);
    // 1 + 2^-8 lies exactly between two bf16 values: ties to even (0x3f80)
    assertThat(SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80);
    // slightly above the tie rounds up
    assertThat(SafetensorsWriter.toBf16(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
    assertThat(Float.isNaN(Float.intBitsToFloat(SafetensorsWriter.toBf16(Float.NaN) << 16))).isTrue();
  }

  static long headerLength(Path file) throws IOException {
    byte[] b = new byte[8];
    try (var in = Files.newInputStream(file)) {
      in.readNBytes(b, 0, 8);
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Writes a file with the given header JSON and data length. */
  Path craft(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Path f = dir.resolve("crafted.safetensors");
    Files.write(f, b.array());
    return f;
  }

  static void refused(Path file, String problem) {
    assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining(problem);
  }

  @Test
  void refusesCorruptFiles_namingTheFileAndTheProblem() throws IOException {
    Path good = dir.resolve("good.safetensors");
    SafetensorsWriter.write(good, Map.of("w", FloatTensor.of(new float[] {1, 2, 3, 4}, 2, 2)), Map.of(), DType.F32);
    try (RandomAccessFile raf = new RandomAccessFile(good.toFile(), "rw")) {
      raf.setLength(raf.length() - 4);
    }
    refused(good, "truncated or has trailing bytes");

    Files.write(dir.resolve("tiny"), new byte[] {1, 2, 3});
    refused(dir.resolve("tiny"), "shorter than the 8-byte header length");
    refused(craft("{\"w\":", 0), "header is not valid JSON");
    refused(craft("[1,2]", 0), "header must be a JSON object");
    refused(craft("{\"w\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "unknown dtype 'F8'");
    refused(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "has shape [3] of F32 (12 bytes) but its data_offsets span 8 bytes");
    refused(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
    refused(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "hole");
    refused(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "needs dtype, shape (array) and data_offsets");
    refused(craft("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__.k must be a string");

    Path huge = dir.resolve("huge");
    Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    refused(huge, "header length 1099511627776 is impossible");
  }
}
