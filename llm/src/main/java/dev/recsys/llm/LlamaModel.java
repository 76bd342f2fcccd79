package dev.recsys.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family decoder as one DJL block whose parameters carry Hugging Face tensor names, so a
 * checkpoint maps 1:1 to {@code model.safetensors}.
 *
 * <p>Per layer (pre-norm, residual): {@code x += o_proj(attn(rope(q_proj(n)), rope(k_proj(n)),
 * v_proj(n)))} with {@code n = RMSNorm(x)}; grouped-query attention (each key/value head serves
 * {@code heads / kv_heads} consecutive query heads), causal, scaled by 1/sqrt(head_dim); then
 * {@code x += down_proj(silu(gate_proj(n)) * up_proj(n))} with {@code n = RMSNorm(x)}. After the
 * last layer: RMSNorm, then {@code lm_head} (or the transposed embedding when tied).
 *
 * <p>Input: token ids [batch, positions] (int64). Output: logits [batch, positions, vocab] and
 * the final hidden states [batch, positions, hidden] (BIGRec embeds with the last token's).
 */
public final class LlamaModel extends AbstractBlock {
  private static final byte VERSION = 1;

  private final LlamaConfig config;
  private final LoraConfig lora;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  /** Whether the LoRA products are folded into the base weights ({@link #mergeLora}). */
  private volatile boolean merged;
  /** The inference-only fused weights and constants ({@link #prepareForInference}), or null. */
  private volatile Fused fused;
  /** The rotary embedding's inverse frequencies, {@code theta^(-2i/head_dim)} for i below head_dim / 2. */
  private final double[] inverseFrequencies;

  /** A base model without adapter. */
  public LlamaModel(LlamaConfig config) {
    this(config, null);
  }

  /**
   * @param lora when not null, LoRA parameters {@code <module>.lora_A.weight} and
   *             {@code <module>.lora_B.weight} are added for every target module of every layer
   */
  public LlamaModel(LlamaConfig config, LoraConfig lora) {
    super(VERSION);
    this.config = config;
    this.lora = lora;
    this.inverseFrequencies = new double[config.headDim() / 2];
    for (int i = 0; i < inverseFrequencies.length; i++) {
      inverseFrequencies[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
    }
    Map<String, Shape> shapes = new LinkedHashMap<>(tensorShapes(config));
    if (lora != null) {
      shapes.putAll(loraShapes(config, lora));
    }
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      Parameter p = Parameter.builder().setName(e.getKey()).setType(Parameter.Type.WEIGHT).optShape(e.getValue())
          .build();
      byName.put(e.getKey(), addParameter(p));
    }
    setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    // RMSNorm gains start at 1, as in Hugging Face's initialisation
    setInitializer(new ConstantInitializer(1f), p -> p.getName().endsWith("norm.weight"));
    // LoRA: A random (Xavier; PEFT uses Kaiming-uniform), B zero, so a fresh adapter is a no-op
    setInitializer(new XavierInitializer(), p -> p.getName().endsWith("lora_A.weight"));
    setInitializer(new ConstantInitializer(0f), p -> p.getName().endsWith("lora_B.weight"));
  }

  public LoraConfig lora() {
    return lora;
  }

  /** Shapes of the LoRA matrices, by parameter name (PEFT names without "base_model.model."). */
  public static Map<String, Shape> loraShapes(LlamaConfig c, LoraConfig lora) {
    Map<String, Shape> base = tensorShapes(c);
    Map<String, Shape> s = new LinkedHashMap<>();
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      for (String module : lora.targetModules()) {
        String prefix = "model.layers." + l + "." + (module.matches("[qkvo]_proj") ? "self_attn." : "mlp.") + module;
        Shape w = base.get(prefix + ".weight");
        s.put(prefix + ".lora_A.weight", new Shape(lora.r(), w.get(1)));
        s.put(prefix + ".lora_B.weight", new Shape(w.get(0), lora.r()));
      }
    }
    return s;
  }

  /**
   * Folds the adapter into the base weights for inference, as PEFT's {@code merge_and_unload}:
   * {@code W += (alpha/r) B A} for every LoRA module, after which {@link #proj} is one product per
   * module instead of three and two element-wise ops (per layer, ten fewer native ops per decoding
   * step with q/v adapters). The outputs are the unmerged model's up to float rounding. The model
   * can no longer train, nor be saved as a base checkpoint; the LoRA matrices stay as they were.
   * Does nothing without an adapter, or when already merged.
   */
  public synchronized void mergeLora() {
    if (lora == null || merged) {
      return;
    }
    for (Map.Entry<String, Parameter> e : byName.entrySet()) {
      String name = e.getKey();
      if (!name.endsWith(".lora_A.weight")) {
        continue;
      }
      String module = name.substring(0, name.length() - ".lora_A.weight".length());
      NDArray a = e.getValue().getArray();
      NDArray b = byName.get(module + ".lora_B.weight").getArray();
      NDArray w = byName.get(module + ".weight").getArray();
      try (NDArray delta = b.matMul(a).muli((float) lora.scale())) {
        w.addi(delta);
      }
    }
    merged = true;
  }

  /** Whether {@link #mergeLora} has folded the adapter into the base weights. */
  public boolean loraMerged() {
    return merged;
  }

  /**
   * Per layer, the products that read the same input as one: q/k/v ([q + 2 kv, hidden]) and
   * gate/up ([2 intermediate, hidden]); and the constants every step used to create anew: the
   * norms' epsilon, and the per-head scale of the rotary tables that turn query and key heads in
   * one pass ([heads + kv_heads, 1, 1]: 1/sqrt(head_dim) for the query heads, 1 for the keys).
   */
  private record Fused(NDArray[] qkv, NDArray[] gateUp, NDArray eps, NDArray queryKeyScale) {}

  /**
   * Readies the model for generation only: folds the adapter in ({@link #mergeLora}) and
   * concatenates, per layer, the q/k/v projections into one weight and gate/up into another, so a
   * layer runs 2 products where it ran 5 (in a decoding step of the 3.7M base, 8 products
   * instead of 20, on wider matrices), and splits their outputs instead. The outputs are the
   * unfused model's up to float rounding. The separate q/k/v and gate/up weights are released, so
   * the fused ones are no second copy (at 135M, 280 MB); like a merge, the model can then neither
   * train nor be saved. Does nothing when already done.
   */
  public synchronized void prepareForInference() {
    mergeLora();
    if (fused != null) {
      return;
    }
    int layers = config.numHiddenLayers();
    NDArray[] qkv = new NDArray[layers];
    NDArray[] gateUp = new NDArray[layers];
    NDManager m = byName.get("model.norm.weight").getArray().getManager();
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      qkv[l] = NDArrays.concat(new NDList(weight(p + "self_attn.q_proj"), weight(p + "self_attn.k_proj"),
          weight(p + "self_attn.v_proj")), 0);
      gateUp[l] = NDArrays.concat(new NDList(weight(p + "mlp.gate_proj"), weight(p + "mlp.up_proj")), 0);
      qkv[l].attach(m);
      gateUp[l].attach(m);
      for (String module : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "mlp.gate_proj",
          "mlp.up_proj"}) {
        weight(p + module).close();
      }
    }
    // the fused layers rotate query and key heads in one pass: 1/sqrt(head_dim) for the query heads, 1 for the keys
    float[] perHead = new float[config.numAttentionHeads() + config.numKeyValueHeads()];
    java.util.Arrays.fill(perHead, 0, config.numAttentionHeads(), (float) (1 / Math.sqrt(config.headDim())));
    java.util.Arrays.fill(perHead, config.numAttentionHeads(), perHead.length, 1f);
    fused = new Fused(qkv, gateUp, scalar(m, (float) config.rmsNormEps()),
        m.create(perHead, new Shape(perHead.length, 1, 1)));
  }

  /** Whether {@link #prepareForInference} has fused the projections (generation only). */
  public boolean preparedForInference() {
    return fused != null;
  }

  private NDArray weight(String module) {
    return byName.get(module + ".weight").getArray();
  }

  /** Freezes every base weight so that only the LoRA matrices train. */
  public void freezeBase() {
    byName.forEach((name, p) -> p.freeze(!name.contains(".lora_")));
  }

  public LlamaConfig config() {
    return config;
  }

  /** Parameters by Hugging Face tensor name, in checkpoint order. */
  public Map<String, Parameter> parametersByName() {
    return Collections.unmodifiableMap(byName);
  }

  /** The Hugging Face tensor names and shapes of this configuration. */
  public static Map<String, Shape> tensorShapes(LlamaConfig c) {
    int h = c.hiddenSize();
    int q = c.numAttentionHeads() * c.headDim();
    int kv = c.numKeyValueHeads() * c.headDim();
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put("model.embed_tokens.weight", new Shape(c.vocabSize(), h));
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      s.put(p + "input_layernorm.weight", new Shape(h));
      s.put(p + "self_attn.q_proj.weight", new Shape(q, h));
      s.put(p + "self_attn.k_proj.weight", new Shape(kv, h));
      s.put(p + "self_attn.v_proj.weight", new Shape(kv, h));
      s.put(p + "self_attn.o_proj.weight", new Shape(h, q));
      s.put(p + "post_attention_layernorm.weight", new Shape(h));
      s.put(p + "mlp.gate_proj.weight", new Shape(c.intermediateSize(), h));
      s.put(p + "mlp.up_proj.weight", new Shape(c.intermediateSize(), h));
      s.put(p + "mlp.down_proj.weight", new Shape(h, c.intermediateSize()));
    }
    s.put("model.norm.weight", new Shape(h));
    if (!c.tieWordEmbeddings()) {
      s.put("lm_head.weight", new Shape(c.vocabSize(), h));
    }
    return s;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return forward(ps, inputs.singletonOrThrow(), null, training);
  }

  /**
   * A training forward whose labels are the flat indexes ({@code row * t + position}, int64) of the
   * positions whose next token a loss predicts: their logits alone, as consecutive chunks of rows
   * ({@link #logitChunks}), together [n, vocab]. A next-token loss never reads the last position
   * nor the padding, and the vocabulary projection with its log-softmax is the widest work of a
   * step (SmolLM2: 49,152 columns); the rows it needs also come out contiguous, which PyTorch's
   * log-softmax runs several times faster than a slice.
   */
  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, NDList labels, PairList<String, Object> params) {
    if (labels == null || labels.isEmpty()) {
      return forwardInternal(ps, inputs, true, params);
    }
    NDArray ids = inputs.singletonOrThrow();
    NDArray hidden = hidden(ps, ids, null, true);
    NDArray rows = hidden.reshape(-1, config.hiddenSize()).get(new NDIndex("{}", labels.singletonOrThrow()));
    return logitChunks(ps, ids, rows, TRAINING_LOGIT_CHUNK_FLOATS, true);
  }

  /**
   * Floats one chunk of a training forward's logits may hold (31 MiB). A tensor above glibc's 32 MiB
   * ceiling for pooled allocations is mapped fresh on every allocation and unmapped when freed, so
   * each of the loss's vocabulary-wide tensors (the logits, their log-softmax, its gradient and the
   * picked targets' gradient: ~80 MB each for a 400-position micro-batch at 49,152 tokens) paid
   * its page faults anew every time; chunks below it come from the allocator's pools.
   */
  static final long TRAINING_LOGIT_CHUNK_FLOATS = 31L << 18;

  /**
   * The vocabulary projection of {@code rows} [n, hidden] as consecutive chunks, each [rows, vocab]
   * and at most {@code chunkFloats} floats, in order: as few as fit, of equal size (up to one row),
   * because the products get slower as they get thinner (SmolLM2's head, forward and backward of
   * 400 positions: 592–600 ms in 3 chunks of 134 rows, 661–664 ms in chunks of 85, 665 ms unsplit).
   */
  NDList logitChunks(ParameterStore ps, NDArray ids, NDArray rows, long chunkFloats, boolean training) {
    long n = rows.getShape().get(0);
    long most = Math.max(1, chunkFloats / config.vocabSize());
    long chunks = (n + most - 1) / most;
    if (chunks <= 1) {
      return new NDList(head(ps, ids, rows, training));
    }
    long per = (n + chunks - 1) / chunks;
    long[] cuts = new long[(int) ((n - 1) / per)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = (i + 1) * per;
    }
    NDList out = new NDList();
    for (NDArray chunk : rows.split(cuts, 0)) {
      out.add(head(ps, ids, chunk, training));
    }
    return out;
  }

  /**
   * Rows of different lengths, fed after their cached positions as one batch whose position-wise
   * work (norms, projections, the MLP: nearly all of it) runs on their real positions only; only
   * the attention sees them right-padded to the longest ({@code width}), the padding repeating a
   * row's last position, which only follows the row's real positions and so never changes them.
   * Decoding's forced title rests are such rows: a few long ones among many of one token.
   *
   * @param ids every row's tokens, one row after the other [n] (int64)
   * @param padIndex for each padded position {@code row * width + j}, the index in {@code ids} of
   *     the position it repeats ({@code j}, or the row's last one past its end)
   * @param realIndex for each position of {@code ids}, its padded position
   */
  public record Packed(NDArray ids, int rows, int width, NDArray padIndex, NDArray realIndex) {
    /** Packs {@code feeds} (one token sequence per row, none empty) into {@code m}. */
    public static Packed of(NDManager m, List<long[]> feeds) {
      int width = feeds.stream().mapToInt(f -> f.length).max().orElseThrow();
      int n = feeds.stream().mapToInt(f -> f.length).sum();
      long[] ids = new long[n];
      long[] pad = new long[feeds.size() * width];
      long[] real = new long[n];
      int at = 0;
      for (int r = 0; r < feeds.size(); r++) {
        long[] f = feeds.get(r);
        for (int j = 0; j < width; j++) {
          pad[r * width + j] = at + Math.min(j, f.length - 1);
        }
        for (int j = 0; j < f.length; j++) {
          ids[at] = f[j];
          real[at++] = (long) r * width + j;
        }
      }
      return new Packed(m.create(ids), feeds.size(), width, m.create(pad), m.create(real));
    }
  }

  /**
   * Runs the decoder over packed rows after their cached positions (inference only) and projects
   * onto the vocabulary only the given positions' hidden states: {@code positions} index
   * {@code feeds.ids()}, the result is their logits, [n, vocab], in that order — what decoding with
   * forced rests needs, without a {@code t x vocab} product per row. The cache is extended by
   * {@code width} positions per row.
   */
  public NDArray logitsAt(ParameterStore ps, Packed feeds, KvCache cache, NDArray positions) {
    NDArray hidden = hidden(ps, feeds.ids(), cache, false, feeds);
    return head(ps, feeds.ids(), hidden.get(new NDIndex("{}", positions)), false);
  }

  /**
   * Runs the decoder over {@code ids}; with a cache, {@code ids} are the next positions after the
   * cached ones and the cache is extended.
   *
   * @return the logits of every position [batch, t, vocab] and the final hidden states [batch, t, hidden]
   */
  public NDList forward(ParameterStore ps, NDArray ids, KvCache cache, boolean training) {
    NDArray hidden = hidden(ps, ids, cache, training);
    return new NDList(head(ps, ids, hidden, training), hidden);
  }

  /**
   * As {@link #forward}, but the vocabulary projection only for each row's last position
   * ([batch, 1, vocab]): all that generation reads of a prefill, without a {@code t x vocab}
   * product per row (at SmolLM2's 49,152 tokens, a fifth of a 177-token prefill's arithmetic).
   */
  public NDArray lastLogits(ParameterStore ps, NDArray ids, KvCache cache) {
    NDArray hidden = hidden(ps, ids, cache, false);
    NDArray last = hidden.getShape().get(1) == 1 ? hidden : hidden.get(new NDIndex(":, -1:, :"));
    return head(ps, ids, last, false);
  }

  private NDArray head(ParameterStore ps, NDArray ids, NDArray hidden, boolean training) {
    return linear(hidden, config.tieWordEmbeddings() ? w(ps, ids, "model.embed_tokens.weight", training)
        : w(ps, ids, "lm_head.weight", training));
  }

  /**
   * The final hidden states (after the last norm) of every position, without the vocabulary
   * projection (BIGRec's embedding reads them; a prefix cache only needs the keys and values).
   */
  public NDArray hidden(ParameterStore ps, NDArray ids, KvCache cache, boolean training) {
    return hidden(ps, ids, cache, training, null);
  }

  /** As {@link #hidden(ParameterStore, NDArray, KvCache, boolean)}; packed rows give [n, hidden]. */
  private NDArray hidden(ParameterStore ps, NDArray ids, KvCache cache, boolean training, Packed packed) {
    Fused f = fused; // read once: every layer of this forward runs the same way
    if (training && (merged || f != null)) {
      throw new IllegalStateException("this model is prepared for inference (its LoRA adapter merged into its base "
          + "weights, its projections fused): train a model loaded for training");
    }
    NDManager m = ids.getManager();
    long batch = packed == null ? ids.getShape().get(0) : packed.rows();
    int t = packed == null ? (int) ids.getShape().get(1) : packed.width();
    int offset = cache == null ? 0 : cache.length();

    NDArray embed = w(ps, ids, "model.embed_tokens.weight", training);
    NDArray rows = embed.get(new NDIndex("{}", ids.flatten()));
    rows.attach(m); // an op on a parameter lands in the parameter's manager: keep it with this step's arrays
    NDArray x = packed == null ? rows.reshape(batch, t, config.hiddenSize()) : rows;
    Layout layout = new Layout(batch, t, packed);
    int[] leftPad = cache == null ? null : cache.leftPad();
    Positions at = positions(m, offset, t, leftPad, cache == null ? 0 : cache.padFrom(), f);
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      x = layerFreeingIntermediates(ps, ids, layout, x, l, cache, at, f, training);
    }
    return rmsNorm(x, w(ps, ids, "model.norm.weight", training));
  }

  /**
   * One decoder layer whose intermediates (projections, attention scores, the MLP's activations,
   * the layer's input) are freed when it returns: without that they all live until the caller's
   * manager closes, and a forward holds every layer's at once (re-ranking 30 long titles after a
   * 500-token prompt with SmolLM2's 30 layers: ~10 GB). What survives is the layer's output and
   * the keys and values it appended to the cache. In training only the handles go: autograd holds
   * its own reference to each tensor the backward pass reads, and the rest is freed as in
   * PyTorch (a LoRA step's peak at 135M: 5.2 to 4.3 GB).
   */
  private NDArray layerFreeingIntermediates(ParameterStore ps, NDArray ids, Layout layout, NDArray x, int l,
      KvCache cache, Positions at, Fused f, boolean training) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDScope.register(x);
      NDArray out = f != null ? fusedLayer(ps, ids, layout, x, l, cache, at, f)
          : layer(ps, ids, layout, x, l, cache, at, training);
      NDScope.unregister(out);
      if (cache != null) {
        NDScope.unregister(cache.keys(l), cache.values(l));
      }
      return out;
    }
  }

  /**
   * The rows' shape in a forward: {@code batch} rows of {@code t} positions, the hidden states
   * [batch, t, hidden]; or packed rows ({@link Packed}), the hidden states [n, hidden].
   */
  private record Layout(long batch, int t, Packed packed) {
    /** A position-wise product's output as the attention reads it: [batch * t, ...] from packed rows. */
    NDArray padded(NDArray y) {
      return packed == null ? y : y.get(new NDIndex("{}", packed.padIndex()));
    }

    /** The attention's output [batch, t, heads * head_dim] as the position-wise products read it. */
    NDArray unpadded(NDArray attn) {
      return packed == null ? attn
          : attn.reshape(batch * t, attn.getShape().get(2)).get(new NDIndex("{}", packed.realIndex()));
    }
  }

  private NDArray layer(ParameterStore ps, NDArray ids, Layout layout, NDArray x, int l, KvCache cache,
      Positions at, boolean training) {
    long batch = layout.batch();
    int t = layout.t();
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int hd = config.headDim();
    String p = "model.layers." + l + ".";
    NDArray n = rmsNorm(x, w(ps, ids, p + "input_layernorm.weight", training));
    NDArray q = heads(layout.padded(proj(ps, ids, n, p + "self_attn.q_proj", training)), batch, t, heads, hd);
    NDArray k = heads(layout.padded(proj(ps, ids, n, p + "self_attn.k_proj", training)), batch, t, kvHeads, hd);
    NDArray v = heads(layout.padded(proj(ps, ids, n, p + "self_attn.v_proj", training)), batch, t, kvHeads, hd);
    q = applyRotary(q, at.queryRotary());
    k = applyRotary(k, at.keyRotary());
    if (cache != null) {
      NDList kv = cache.append(l, k, v);
      k = kv.get(0);
      v = kv.get(1);
    }
    NDArray attn = layout.unpadded(attention(q, k, v, at.mask(), heads / kvHeads)
        .transpose(0, 2, 1, 3).reshape(batch, t, (long) heads * hd));
    x = x.add(proj(ps, ids, attn, p + "self_attn.o_proj", training));
    n = rmsNorm(x, w(ps, ids, p + "post_attention_layernorm.weight", training));
    NDArray gate = proj(ps, ids, n, p + "mlp.gate_proj", training);
    NDArray up = proj(ps, ids, n, p + "mlp.up_proj", training);
    return x.add(proj(ps, ids, Activation.sigmoid(gate).mul(gate).mul(up), p + "mlp.down_proj", training));
  }

  /**
   * {@link #layer} with the fused weights of {@link #prepareForInference}: one q/k/v product whose
   * heads are split after one reshape, one rotary pass over the query and key heads together, one
   * gate/up product, and norms with an epsilon made once.
   */
  private NDArray fusedLayer(ParameterStore ps, NDArray ids, Layout layout, NDArray x, int l, KvCache cache,
      Positions at, Fused f) {
    long batch = layout.batch();
    int t = layout.t();
    int heads = config.numAttentionHeads();
    int kvHeads = config.numKeyValueHeads();
    int hd = config.headDim();
    String p = "model.layers." + l + ".";
    NDArray n = rmsNorm(x, w(ps, ids, p + "input_layernorm.weight", false), f.eps());
    NDList qkv = layout.padded(linear(n, f.qkv()[l])).reshape(batch, t, heads + 2L * kvHeads, hd).transpose(0, 2, 1, 3)
        .split(new long[] {heads + kvHeads}, 1); // [b, q+k heads, t, hd] and [b, kv heads, t, hd]
    NDList qk = applyRotary(qkv.get(0), at.queryRotary()).split(new long[] {heads}, 1);
    NDArray q = qk.get(0);
    NDArray k = qk.get(1);
    NDArray v = qkv.get(1);
    if (cache != null) {
      NDList kv = cache.append(l, k, v);
      k = kv.get(0);
      v = kv.get(1);
    }
    NDArray attn = layout.unpadded(attention(q, k, v, at.mask(), heads / kvHeads)
        .transpose(0, 2, 1, 3).reshape(batch, t, (long) heads * hd));
    x = x.add(linear(attn, w(ps, ids, p + "self_attn.o_proj.weight", false)));
    n = rmsNorm(x, w(ps, ids, p + "post_attention_layernorm.weight", false), f.eps());
    NDList gateUp = linear(n, f.gateUp()[l]).split(2, n.getShape().dimension() - 1);
    NDArray gate = gateUp.get(0);
    return x.add(linear(Activation.sigmoid(gate).muli(gate).muli(gateUp.get(1)),
        w(ps, ids, p + "mlp.down_proj.weight", false)));
  }

  /**
   * Causal grouped-query attention: {@code q} [b, heads, t, hd], already scaled by
   * 1/sqrt(head_dim) ({@link Positions#queryRotary}), over {@code k}, {@code v} [b, kv_heads, keys,
   * hd], each key/value head serving {@code rep} consecutive query heads. The query heads of a
   * group are stacked on the position axis ([b, kv_heads, rep * t, hd]), so the keys and values
   * are read where they are instead of being copied {@code rep} times per layer and step; the
   * mask ({@link Positions#mask}) is laid out the same way and added in place to the scores (the
   * product's fresh output, which no backward reads): one pass over the scores before the softmax.
   *
   * @return [b, heads, t, hd]
   */
  private static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int rep) {
    Shape qs = q.getShape();
    NDArray grouped = rep == 1 ? q : q.reshape(qs.get(0), k.getShape().get(1), rep * qs.get(2), qs.get(3));
    return grouped.matMul(k.transpose(0, 1, 3, 2)).addi(mask).softmax(3).matMul(v).reshape(qs);
  }

  private NDArray w(ParameterStore ps, NDArray ids, String name, boolean training) {
    return ps.getValue(byName.get(name), ids.getDevice(), training);
  }

  /** {@code x W^T}, plus {@code (alpha/r) dropout(x) A^T B^T} when the module carries LoRA. */
  private NDArray proj(ParameterStore ps, NDArray ids, NDArray x, String module, boolean training) {
    NDArray y = linear(x, w(ps, ids, module + ".weight", training));
    Parameter a = byName.get(module + ".lora_A.weight");
    if (a == null || merged) {
      return y;
    }
    NDArray in = training && lora.dropout() > 0
        ? Dropout.dropout(x, (float) lora.dropout(), true).singletonOrThrow() : x;
    NDArray low = linear(in, ps.getValue(a, ids.getDevice(), training));
    NDArray delta = linear(low, w(ps, ids, module + ".lora_B.weight", training));
    return y.add(delta.mul(scalar(x.getManager(), (float) lora.scale())));
  }

  /**
   * A float32 scalar in native memory, for products that autograd differentiates.
   *
   * <p>Never {@code x.mul(number)} / {@code x.div(number)} on that path: DJL's PyTorch engine wraps
   * the number in a tensor over a Java direct buffer and closes it right after the op, while
   * autograd keeps the tensor for the backward pass; once the buffer is collected the gradients
   * read freed memory (random gradients, NaN losses). {@code full} allocates in PyTorch, whose
   * reference counting keeps the value alive as long as the graph needs it.
   */
  static NDArray scalar(NDManager m, float value) {
    return m.full(new Shape(), value);
  }

  private static NDArray linear(NDArray x, NDArray weight) {
    return Linear.linear(x, weight).singletonOrThrow();
  }

  /** [b, t, heads*hd] -> [b, heads, t, hd]. */
  private static NDArray heads(NDArray x, long batch, int t, int heads, int hd) {
    return x.reshape(batch, t, heads, hd).transpose(0, 2, 1, 3);
  }

  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray rms = x.mul(x).mean(new int[] {x.getShape().dimension() - 1}, true).add(config.rmsNormEps()).sqrt();
    return x.div(rms).mul(weight);
  }

  /** As {@link #rmsNorm(NDArray, NDArray)}, with epsilon as a ready array (inference only: in place). */
  private static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
    return x.div(x.mul(x).mean(new int[] {x.getShape().dimension() - 1}, true).addi(eps).sqrt()).muli(weight);
  }

  /**
   * What every layer of one forward shares: the rotary tables of the keys and of the queries (the
   * latter with the attention's 1/sqrt(head_dim) folded in, so no layer scales its scores), and the
   * additive mask laid out as {@link #attention} stacks each group's query heads.
   *
   * @param queryRotary for the queries; for the fused layers' one pass over query and key heads
   *     together, per head ([heads + kv_heads, t, hd]): scaled for the query heads, as is for the keys
   */
  private record Positions(NDArray[] keyRotary, NDArray[] queryRotary, NDArray mask) {}

  private Positions positions(NDManager m, int offset, int t, int[] leftPad, int padFrom, Fused f) {
    NDArray[] keys = rotary(m, offset, t, config.headDim(), leftPad);
    NDArray[] queries;
    if (f != null) {
      queries = new NDArray[] {keys[0].mul(f.queryKeyScale()), keys[1].mul(f.queryKeyScale())};
    } else {
      try (NDArray scale = scalar(m, (float) (1 / Math.sqrt(config.headDim())))) {
        queries = new NDArray[] {keys[0].mul(scale), keys[1].mul(scale)};
      }
    }
    NDArray mask = attentionMask(m, offset, t, leftPad, padFrom);
    int rep = config.numAttentionHeads() / config.numKeyValueHeads();
    if (rep > 1) {
      // [t, keys] -> [rep * t, keys]: row r * t + i is query head r of a group at position i
      try (NDArray causal = mask) {
        mask = causal.tile(causal.getShape().dimension() == 2 ? new long[] {rep, 1} : new long[] {1, 1, rep, 1});
      }
    }
    return new Positions(keys, queries, mask);
  }

  /**
   * cos and (signed, see {@link #applyRotary}) sin of the rotary angles for positions
   * offset..offset+t-1: shape [t, hd], or, for a
   * left-padded batch, [batch, 1, t, hd] where row r's position p is rotated as p - leftPad[r]
   * (padding as 0).
   *
   * @param leftPad padding positions at the start of each row, or null when no row is padded
   */
  private NDArray[] rotary(NDManager m, int offset, int t, int hd, int[] leftPad) {
    int rows = leftPad == null ? 1 : leftPad.length;
    float[] cos = new float[rows * t * hd];
    float[] sin = new float[rows * t * hd];
    int half = hd / 2;
    for (int r = 0; r < rows; r++) {
      for (int pos = 0; pos < t; pos++) {
        int p = leftPad == null ? offset + pos : Math.max(0, offset + pos - leftPad[r]);
        int base = (r * t + pos) * hd;
        for (int i = 0; i < half; i++) {
          double angle = p * inverseFrequencies[i];
          cos[base + i] = cos[base + i + half] = (float) Math.cos(angle);
          // sin with rotate_half's sign folded in: rotate_half(x) * sin = [x2, x1] * [-sin, sin]
          sin[base + i] = (float) -Math.sin(angle);
          sin[base + i + half] = (float) Math.sin(angle);
        }
      }
    }
    Shape shape = leftPad == null ? new Shape(t, hd) : new Shape(rows, 1, t, hd);
    return new NDArray[] {m.create(cos, shape), m.create(sin, shape)};
  }

  /**
   * The additive attention mask, -inf where a query may not look: [t, offset + t], causal; or,
   * for a padded batch, [batch, 1, t, offset + t], where a real token also never attends to its
   * row's padding (positions {@code padFrom .. padFrom + leftPad[r] - 1}). A padding position
   * attends causally (to the shared prefix and padding only): its keys and values stay finite, and
   * no real token looks at them.
   *
   * @param leftPad padding positions of each row from {@code padFrom} on, or null when no row is padded
   */
  private static NDArray attentionMask(NDManager m, int offset, int t, int[] leftPad, int padFrom) {
    int rows = leftPad == null ? 1 : leftPad.length;
    int keys = offset + t;
    float[] mask = new float[rows * t * keys];
    for (int r = 0; r < rows; r++) {
      int padEnd = padFrom + (leftPad == null ? 0 : leftPad[r]);
      for (int i = 0; i < t; i++) {
        int query = offset + i;
        boolean realQuery = query < padFrom || query >= padEnd;
        for (int j = 0; j < keys; j++) {
          boolean hidden = j > query || (realQuery && j >= padFrom && j < padEnd);
          mask[(r * t + i) * keys + j] = hidden ? Float.NEGATIVE_INFINITY : 0f;
        }
      }
    }
    return m.create(mask, leftPad == null ? new Shape(t, keys) : new Shape(rows, 1, t, keys));
  }

  /**
   * x * cos + rotate_half(x) * sin, where rotate_half(x) = [-x2, x1] over the halves of head_dim:
   * computed as x * cos + [x2, x1] * [-sin, sin] ({@link #rotary} gives sin so signed).
   */
  private static NDArray applyRotary(NDArray x, NDArray[] rope) {
    NDList halves = x.split(2, 3);
    NDArray swapped = NDArrays.concat(new NDList(halves.get(1), halves.get(0)), 3);
    return x.mul(rope[0]).add(swapped.mul(rope[1]));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize()),
        new Shape(in.get(0), in.get(1), config.hiddenSize())};
  }

  /** Initialises every parameter (random normal, std 0.02) in float32. */
  public void initialize(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, 1));
  }
}
