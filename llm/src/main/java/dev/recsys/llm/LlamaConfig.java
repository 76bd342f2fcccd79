package dev.recsys.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Llama-family decoder configuration, read from and written to a Hugging Face
 * {@code config.json} (the fields below keep Hugging Face's names there).
 *
 * @param vocabSize             vocab_size
 * @param hiddenSize            hidden_size (d_model)
 * @param intermediateSize      intermediate_size (SwiGLU inner width)
 * @param numHiddenLayers       num_hidden_layers
 * @param numAttentionHeads     num_attention_heads (query heads)
 * @param numKeyValueHeads      num_key_value_heads (grouped-query attention; = heads for MHA)
 * @param rmsNormEps            rms_norm_eps
 * @param ropeTheta             rope_theta (rotary base)
 * @param maxPositionEmbeddings max_position_embeddings
 * @param tieWordEmbeddings     tie_word_embeddings (lm_head shares embed_tokens)
 * @param bosTokenId            bos_token_id
 * @param eosTokenId            eos_token_id
 */
public record LlamaConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
    int numAttentionHeads, int numKeyValueHeads, double rmsNormEps, double ropeTheta, int maxPositionEmbeddings,
    boolean tieWordEmbeddings, int bosTokenId, int eosTokenId) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LlamaConfig {
    require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
    require(hiddenSize > 0 && numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
        "hidden_size (" + hiddenSize + ") must be a positive multiple of num_attention_heads (" + numAttentionHeads + ")");
    require((hiddenSize / numAttentionHeads) % 2 == 0, "head_dim (" + hiddenSize / numAttentionHeads
        + ") must be even for rotary embeddings");
    require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0, "num_attention_heads ("
        + numAttentionHeads + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
    require(intermediateSize > 0 && numHiddenLayers > 0, "intermediate_size and num_hidden_layers must be > 0");
    require(rmsNormEps > 0 && ropeTheta > 0 && maxPositionEmbeddings > 0,
        "rms_norm_eps, rope_theta and max_position_embeddings must be > 0");
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  public static LlamaConfig read(Path file) {
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read config.json: " + e.getMessage());
    }
    String type = n.path("model_type").asText("llama");
    if (!type.equals("llama")) {
      throw new ArtifactException(file, "model_type '" + type + "' is not supported (only 'llama' architectures)");
    }
    String act = n.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new ArtifactException(file, "hidden_act '" + act + "' is not supported (Llama uses 'silu')");
    }
    try {
      int heads = required(file, n, "num_attention_heads").asInt();
      return new LlamaConfig(required(file, n, "vocab_size").asInt(), required(file, n, "hidden_size").asInt(),
          required(file, n, "intermediate_size").asInt(), required(file, n, "num_hidden_layers").asInt(), heads,
          n.path("num_key_value_heads").asInt(heads), n.path("rms_norm_eps").asDouble(1e-6),
          n.path("rope_theta").asDouble(10000.0), n.path("max_position_embeddings").asInt(2048),
          n.path("tie_word_embeddings").asBoolean(false), n.path("bos_token_id").asInt(1),
          n.path("eos_token_id").isArray() ? n.path("eos_token_id").get(0).asInt() : n.path("eos_token_id").asInt(2));
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, e.getMessage());
    }
  }

  private static JsonNode required(Path file, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new ArtifactException(file, "field '" + field + "' is missing or not an integer");
    }
    return v;
  }

  public void write(Path file) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add("LlamaForCausalLM");
    n.put("model_type", "llama");
    n.put("vocab_size", vocabSize);
    n.put("hidden_size", hiddenSize);
    n.put("intermediate_size", intermediateSize);
    n.put("num_hidden_layers", numHiddenLayers);
    n.put("num_attention_heads", numAttentionHeads);
    n.put("num_key_value_heads", numKeyValueHeads);
    n.put("rms_norm_eps", rmsNormEps);
    n.put("rope_theta", ropeTheta);
    n.put("max_position_embeddings", maxPositionEmbeddings);
    n.put("tie_word_embeddings", tieWordEmbeddings);
    n.put("bos_token_id", bosTokenId);
    n.put("eos_token_id", eosTokenId);
    n.put("hidden_act", "silu");
    n.put("torch_dtype", "float32");
    JSON.writeValue(file.toFile(), n);
  }
}
