package dev.recsys.llm.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.LlamaCheckpoint;
import dev.recsys.llm.LlamaConfig;
import dev.recsys.llm.LlamaModel;
import dev.recsys.llm.ModelFiles;
import dev.recsys.llm.safetensors.DType;
import dev.recsys.llm.safetensors.FloatTensor;
import dev.recsys.llm.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a llama-architecture GGUF into a Hugging Face checkpoint folder: {@code config.json},
 * {@code model.safetensors} (dequantised to float32, Hugging Face tensor names, q/k projections
 * back in Hugging Face's layout), {@code tokenizer.json} and {@code generation_config.json}.
 *
 * <p>llama.cpp's converter permutes the rows of q_proj and k_proj for its interleaved rotary
 * embedding: per head, row {@code j·(d/2) + i} of Hugging Face's layout is stored as row
 * {@code 2i + j}. {@link #unpermute} undoes exactly that.
 */
public final class GgufLlamaConverter {
  private GgufLlamaConverter() {}

  /** What was converted. */
  public record Result(LlamaConfig config, long parameters, Map<String, GgmlType> sourceTypes) {}

  public static Result convert(Path gguf, Path outDir) throws IOException {
    GgufFile g = GgufFile.open(gguf);
    String arch = g.string("general.architecture");
    if (!arch.equals("llama")) {
      throw new ArtifactException(gguf, "architecture '" + arch + "' is not supported (only 'llama')");
    }
    String tokenizerModel = g.string("tokenizer.ggml.model");
    if (!tokenizerModel.equals("gpt2")) {
      throw new ArtifactException(gguf, "tokenizer model '" + tokenizerModel + "' is not supported (only byte-level BPE,"
          + " 'gpt2')");
    }
    int hidden = (int) g.integer("llama.embedding_length");
    int heads = (int) g.integer("llama.attention.head_count");
    int kvHeads = (int) g.integer("llama.attention.head_count_kv");
    int layers = (int) g.integer("llama.block_count");
    List<?> tokens = g.array("tokenizer.ggml.tokens");
    boolean tied = !g.tensors().containsKey("output.weight");
    LlamaConfig config;
    try {
      config = new LlamaConfig(tokens.size(), hidden, (int) g.integer("llama.feed_forward_length"), layers, heads,
          kvHeads, g.real("llama.attention.layer_norm_rms_epsilon"), g.real("llama.rope.freq_base"),
          (int) g.integer("llama.context_length"), tied, (int) g.integer("tokenizer.ggml.bos_token_id"),
          (int) g.integer("tokenizer.ggml.eos_token_id"));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(gguf, "its llama parameters are inconsistent: " + e.getMessage());
    }
    if (g.metadata().containsKey("llama.rope.dimension_count")
        && g.integer("llama.rope.dimension_count") != config.headDim()) {
      throw new ArtifactException(gguf, "rotary dimension " + g.integer("llama.rope.dimension_count")
          + " differs from the head dimension " + config.headDim() + " (partial rotary is not supported)");
    }

    Map<String, String> names = hfNames(layers, tied);
    Map<String, long[]> expected = new LinkedHashMap<>();
    LlamaModel.tensorShapes(config).forEach((n, s) -> expected.put(n, s.getShape()));
    for (String n : g.tensors().keySet()) {
      if (!names.containsKey(n) && !n.equals("rope_freqs.weight")) {
        throw new ArtifactException(gguf, "tensor " + n + " does not belong to a llama model of " + layers + " layers");
      }
    }
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    Map<String, GgmlType> types = new LinkedHashMap<>();
    long params = 0;
    for (Map.Entry<String, String> e : names.entrySet()) {
      GgufFile.TensorInfo info = g.tensors().get(e.getKey());
      if (info == null) {
        throw new ArtifactException(gguf, "tensor " + e.getKey() + " (" + e.getValue() + ") is missing");
      }
      long[] shape = info.rowMajorShape();
      if (!Arrays.equals(shape, expected.get(e.getValue()))) {
        throw new ArtifactException(gguf, "tensor " + e.getKey() + " (" + e.getValue() + ") has shape "
            + Arrays.toString(shape) + " but the metadata implies " + Arrays.toString(expected.get(e.getValue())));
      }
      float[] data = g.floats(e.getKey());
      if (e.getKey().endsWith("attn_q.weight")) {
        data = unpermute(data, heads, hidden);
      } else if (e.getKey().endsWith("attn_k.weight")) {
        data = unpermute(data, kvHeads, hidden);
      }
      out.put(e.getValue(), new FloatTensor(shape, data));
      types.put(info.type().name(), info.type());
      params += data.length;
    }
    Files.createDirectories(outDir);
    config.write(outDir.resolve(LlamaCheckpoint.CONFIG));
    SafetensorsWriter.write(outDir.resolve(LlamaCheckpoint.WEIGHTS), out,
        Map.of("format", "pt", "converted_from", gguf.getFileName().toString()), DType.F32);
    @SuppressWarnings("unchecked")
    List<String> merges = (List<String>) g.array("tokenizer.ggml.merges");
    @SuppressWarnings("unchecked")
    List<Long> tokenTypes = (List<Long>) g.array("tokenizer.ggml.token_type");
    @SuppressWarnings("unchecked")
    List<String> tokenStrings = (List<String>) tokens;
    String pre = g.metadata().get("tokenizer.ggml.pre") instanceof String s ? s : "default";
    ByteLevelBpeTokenizerJson.write(tokenStrings, tokenTypes, merges, pre, outDir.resolve(ModelFiles.TOKENIZER));
    Map<String, Object> generation = new LinkedHashMap<>();
    generation.put("bos_token_id", config.bosTokenId());
    generation.put("eos_token_id", config.eosTokenId());
    if (g.metadata().get("tokenizer.ggml.padding_token_id") instanceof Long pad) {
      generation.put("pad_token_id", pad);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(outDir.resolve("generation_config.json").toFile(), generation);
    return new Result(config, params, types);
  }

  /** GGUF tensor name to Hugging Face name, in Hugging Face's order. */
  static Map<String, String> hfNames(int layers, boolean tied) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("token_embd.weight", "model.embed_tokens.weight");
    for (int l = 0; l < layers; l++) {
      String g = "blk." + l + ".";
      String h = "model.layers." + l + ".";
      m.put(g + "attn_norm.weight", h + "input_layernorm.weight");
      m.put(g + "attn_q.weight", h + "self_attn.q_proj.weight");
      m.put(g + "attn_k.weight", h + "self_attn.k_proj.weight");
      m.put(g + "attn_v.weight", h + "self_attn.v_proj.weight");
      m.put(g + "attn_output.weight", h + "self_attn.o_proj.weight");
      m.put(g + "ffn_norm.weight", h + "post_attention_layernorm.weight");
      m.put(g + "ffn_gate.weight", h + "mlp.gate_proj.weight");
      m.put(g + "ffn_up.weight", h + "mlp.up_proj.weight");
      m.put(g + "ffn_down.weight", h + "mlp.down_proj.weight");
    }
    m.put("output_norm.weight", "model.norm.weight");
    if (!tied) {
      m.put("output.weight", "lm_head.weight");
    }
    return m;
  }

  /**
   * Rows of a [heads·d, in] projection back from llama.cpp's interleaved-rotary order: Hugging
   * Face row {@code h·d + j·d/2 + i} is GGUF row {@code h·d + 2i + j}.
   */
  static float[] unpermute(float[] w, int heads, int in) {
    return reorder(w, heads, in, true);
  }

  /** The inverse of {@link #unpermute}: what llama.cpp's converter does (tests write GGUFs with it). */
  static float[] permute(float[] w, int heads, int in) {
    return reorder(w, heads, in, false);
  }

  /** Moves every row between the two orders: GGUF row h·d + 2i + j is Hugging Face row h·d + j·d/2 + i. */
  private static float[] reorder(float[] w, int heads, int in, boolean toHf) {
    int d = w.length / in / heads;
    int half = d / 2;
    float[] out = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int gguf = (h * d + 2 * i + j) * in;
          int hf = (h * d + j * half + i) * in;
          System.arraycopy(w, toHf ? gguf : hf, out, toHf ? hf : gguf, in);
        }
      }
    }
    return out;
  }

}
