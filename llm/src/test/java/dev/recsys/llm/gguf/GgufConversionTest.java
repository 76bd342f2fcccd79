package dev.recsys.llm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.Tokenizer;
import dev.recsys.llm.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufConversionTest {
  @TempDir Path dir;

  static final LlamaConfig CONFIG = new LlamaConfig(12, 8, 16, 2, 2, 1, 1e-5, 100000.0, 64, true, 1, 2);
  static final List<String> TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "a", "b", "c", "Ġ",
      "1", "2", "ab", "Ġa", "Ġab");
  static final List<String> MERGES = List.of("a b", "Ġ a", "Ġ ab");

  @BeforeAll
  static void djl() {
    DjlDefaults.apply();
  }

  /** A GGUF as llama.cpp writes one from the Hugging Face checkpoint in {@code hf}: q/k permuted. */
  static GgufWriter fromCheckpoint(Path hf, LlamaConfig c) {
    SafetensorsFile st = SafetensorsFile.open(hf.resolve(LlamaCheckpoint.WEIGHTS));
    GgufWriter w = llamaMetadata(new GgufWriter(), c);
    Map<String, String> names = GgufLlamaConverter.hfNames(c.numHiddenLayers(), c.tieWordEmbeddings());
    names.forEach((gguf, name) -> {
      var t = st.floats(name);
      float[] data = t.data();
      if (gguf.endsWith("attn_q.weight")) {
        data = GgufLlamaConverter.permute(data, c.numAttentionHeads(), c.hiddenSize());
      } else if (gguf.endsWith("attn_k.weight")) {
        data = GgufLlamaConverter.permute(data, c.numKeyValueHeads(), c.hiddenSize());
      }
      w.f32(gguf, data, t.shape());
    });
    return w;
  }

  static GgufWriter llamaMetadata(GgufWriter w, LlamaConfig c) {
    return w.put("general.architecture", "llama")
        .put("llama.block_count", c.numHiddenLayers())
        .put("llama.context_length", c.maxPositionEmbeddings())
        .put("llama.embedding_length", c.hiddenSize())
        .put("llama.feed_forward_length", c.intermediateSize())
        .put("llama.attention.head_count", c.numAttentionHeads())
        .put("llama.attention.head_count_kv", c.numKeyValueHeads())
        .put("llama.rope.freq_base", (float) c.ropeTheta())
        .put("llama.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps())
        .put("llama.rope.dimension_count", c.headDim())
        .put("tokenizer.ggml.model", "gpt2")
        .put("tokenizer.ggml.pre", "smollm")
        .put("tokenizer.ggml.tokens", TOKENS)
        .put("tokenizer.ggml.token_type", List.of(3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))
        .put("tokenizer.ggml.merges", MERGES)
        .put("tokenizer.ggml.bos_token_id", c.bosTokenId())
        .put("tokenizer.ggml.eos_token_id", c.eosTokenId());
  }

  Path randomCheckpoint() throws Exception {
    Path hf = dir.resolve("hf");
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      LlamaModel model = new LlamaModel(CONFIG);
      model.initialize(m);
      LlamaCheckpoint.save(model, hf);
    }
    return hf;
  }

  @Test
  void aGgufOfACheckpoint_convertsBackToTheSameTensors_config_andATokenizerTheLibraryRuns() throws Exception {
    Path hf = randomCheckpoint();
    Path gguf = dir.resolve("m.gguf");
    fromCheckpoint(hf, CONFIG).write(gguf);
    Path out = dir.resolve("out");
    GgufLlamaConverter.Result r = GgufLlamaConverter.convert(gguf, out);
    assertThat(r.config()).isEqualTo(CONFIG);
    SafetensorsFile a = SafetensorsFile.open(hf.resolve(LlamaCheckpoint.WEIGHTS));
    SafetensorsFile b = SafetensorsFile.open(out.resolve(LlamaCheckpoint.WEIGHTS));
    assertThat(b.tensors().keySet()).isEqualTo(a.tensors().keySet());
    for (String name : a.tensors().keySet()) {
      assertThat(b.floats(name).shape()).as(name).isEqualTo(a.floats(name).shape());
      assertThat(b.floats(name).data()).as(name).isEqualTo(a.floats(name).data());
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      assertThat(LlamaCheckpoint.load(out, m).config()).isEqualTo(r.config());
    }
    try (Tokenizer tok = Tokenizer.load(out.resolve(ModelFiles.TOKENIZER))) {
      assertThat(tok.pieces(" ab12")).containsExactly("Ġab", "1", "2");
      assertThat(tok.id("<|im_end|>")).isEqualTo(2);
      assertThat(tok.decode(tok.encode(" ab12"))).isEqualTo(" ab12");
    }
    assertThat(Files.readString(out.resolve("generation_config.json"))).contains("\"eos_token_id\" : 2");
  }

  @Test
  void unpermute_undoesLlamaCppsInterleavedRotaryOrder() {
    // one head of d = 4 over in = 1: Hugging Face rows [r0 r1 | r2 r3] are stored as r0 r2 r1 r3
    float[] gguf = {0, 2, 1, 3};
    assertThat(GgufLlamaConverter.unpermute(gguf, 1, 1)).containsExactly(0, 1, 2, 3);
    float[] w = new float[2 * 8 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = i;
    }
    assertThat(GgufLlamaConverter.unpermute(GgufLlamaConverter.permute(w, 2, 3), 2, 3)).isEqualTo(w);
  }

  @Test
  void q8_0_andQ4_1_blocksDecodeAsGgmlDefinesThem() {
    ByteBuffer q8 = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
    q8.putShort(Float.floatToFloat16(0.5f));
    for (int j = 0; j < 32; j++) {
      q8.put((byte) (j - 16));
    }
    float[] out = new float[32];
    GgmlType.Q8_0.decode(q8.flip(), out);
    assertThat(out[0]).isEqualTo(-8f);
    assertThat(out[31]).isEqualTo(7.5f);

    ByteBuffer q4 = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    q4.putShort(Float.floatToFloat16(2f)).putShort(Float.floatToFloat16(-1f));
    for (int j = 0; j < 16; j++) {
      q4.put((byte) ((15 - j) << 4 | j)); // low nibble j (value j), high nibble 15 - j (value 16 + j)
    }
    GgmlType.Q4_1.decode(q4.flip(), out);
    assertThat(out[0]).isEqualTo(-1f);
    assertThat(out[15]).isEqualTo(29f);
    assertThat(out[16]).isEqualTo(29f);
    assertThat(out[31]).isEqualTo(-1f);
  }

  @Test
  void badFiles_areRefusedNamingTheFileAndTheProblem() throws Exception {
    Path hf = randomCheckpoint();
    Path good = dir.resolve("good.gguf");
    fromCheckpoint(hf, CONFIG).write(good);
    byte[] bytes = Files.readAllBytes(good);

    Path truncated = dir.resolve("truncated.gguf");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> GgufLlamaConverter.convert(truncated, dir.resolve("o1")))
        .isInstanceOf(ArtifactException.class).hasMessageContaining("truncated.gguf").hasMessageContaining("truncated");
    Path headerOnly = dir.resolve("header.gguf");
    Files.write(headerOnly, Arrays.copyOf(bytes, 200));
    assertThatThrownBy(() -> GgufFile.open(headerOnly)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("header.gguf").hasMessageContaining("truncated");

    Path notGguf = dir.resolve("not.gguf");
    Files.writeString(notGguf, "{\"this is\": \"json\"}");
    assertThatThrownBy(() -> GgufFile.open(notGguf)).hasMessageContaining("not.gguf")
        .hasMessageContaining("not a GGUF file");

    Path qwen = dir.resolve("qwen.gguf");
    fromCheckpoint(hf, CONFIG).put("general.architecture", "qwen2").write(qwen);
    assertThatThrownBy(() -> GgufLlamaConverter.convert(qwen, dir.resolve("o2"))).hasMessageContaining("qwen.gguf")
        .hasMessageContaining("architecture 'qwen2' is not supported");

    Path q4k = dir.resolve("q4k.gguf");
    GgufWriter w = llamaMetadata(new GgufWriter(), CONFIG);
    w.raw("token_embd.weight", GgmlType.F32, new byte[12 * 8 * 4], 12, 8);
    Files.createDirectories(dir);
    w.write(q4k);
    byte[] b = Files.readAllBytes(q4k);
    // rewrite the tensor's type id (F32 = 0) as 12 (Q4_K), which this reader does not decode
    int at = indexOf(b, "token_embd.weight".getBytes()) + "token_embd.weight".length() + 4 + 16;
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 12);
    Files.write(q4k, b);
    assertThatThrownBy(() -> GgufFile.open(q4k)).hasMessageContaining("q4k.gguf")
        .hasMessageContaining("token_embd.weight has ggml type 12");

    Path wrongShape = dir.resolve("shape.gguf");
    fromCheckpoint(hf, CONFIG).put("llama.feed_forward_length", 32).write(wrongShape);
    assertThatThrownBy(() -> GgufLlamaConverter.convert(wrongShape, dir.resolve("o3")))
        .hasMessageContaining("shape.gguf").hasMessageContaining("mlp.gate_proj").hasMessageContaining("implies");
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void aPinnedBase_refusesAFileOfOtherSizeOrChecksum() throws Exception {
    Path f = dir.resolve("base.gguf");
    Files.write(f, new byte[] {1, 2, 3, 4});
    PretrainedBase pinned = new PretrainedBase("test", "pkg==1", "x/base.gguf", 4,
        dev.recsys.common.artifact.Checksums.sha256(new byte[] {1, 2, 3, 5}));
    assertThatThrownBy(() -> pinned.verify(f)).hasMessageContaining("base.gguf").hasMessageContaining("checksum mismatch");
    PretrainedBase longer = new PretrainedBase("test", "pkg==1", "x/base.gguf", 5, pinned.sha256());
    assertThatThrownBy(() -> longer.verify(f)).hasMessageContaining("has 4 bytes").hasMessageContaining("truncated");
    assertThatThrownBy(() -> pinned.verify(dir.resolve("absent.gguf"))).hasMessageContaining("fetch-base.sh");
    new PretrainedBase("test", "pkg==1", "x/base.gguf", 4,
        dev.recsys.common.artifact.Checksums.sha256(new byte[] {1, 2, 3, 4})).verify(f);
  }
}
