package dev.recsys.llm.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} for a byte-level BPE vocabulary (GPT-2's scheme, as
 * GGUF's {@code tokenizer.ggml.model = gpt2} stores it): the vocabulary and merges as they are,
 * control tokens as special added tokens, and the pre-tokenizer the {@code smollm} pre-type
 * names in llama.cpp — every digit on its own, then GPT-2's byte-level split.
 */
public final class ByteLevelBpeTokenizerJson {
  /** GGUF token types (llama.cpp's llama_token_type): 3 = control, 4 = user-defined. */
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;

  private ByteLevelBpeTokenizerJson() {}

  public static void write(List<String> tokens, List<Long> tokenTypes, List<String> merges, String preType, Path out)
      throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < tokens.size(); id++) {
      long type = tokenTypes.get(id);
      if (type == CONTROL || type == USER_DEFINED) {
        ObjectNode t = added.addObject();
        t.put("id", id);
        t.put("content", tokens.get(id));
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", type == USER_DEFINED);
        t.put("special", type == CONTROL);
      }
    }
    root.putNull("normalizer");
    ObjectNode byteLevel = json.createObjectNode();
    byteLevel.put("type", "ByteLevel");
    byteLevel.put("add_prefix_space", false);
    byteLevel.put("trim_offsets", true);
    byteLevel.put("use_regex", true);
    if ("smollm".equals(preType)) {
      ObjectNode seq = root.putObject("pre_tokenizer");
      seq.put("type", "Sequence");
      ArrayNode list = seq.putArray("pretokenizers");
      ObjectNode digits = list.addObject();
      digits.put("type", "Digits");
      digits.put("individual_digits", true);
      list.add(byteLevel);
    } else {
      root.set("pre_tokenizer", byteLevel);
    }
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "ByteLevel");
    post.put("add_prefix_space", true);
    post.put("trim_offsets", false);
    post.put("use_regex", true);
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "ByteLevel");
    decoder.put("add_prefix_space", true);
    decoder.put("trim_offsets", true);
    decoder.put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < tokens.size(); id++) {
      vocab.put(tokens.get(id), id);
    }
    ArrayNode m = model.putArray("merges");
    merges.forEach(m::add);
    json.writeValue(out.toFile(), root);
  }
}
