package dev.recsys.ranking.sequential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SASRec as one DJL block (Kang &amp; McAuley, ICDM 2018), the layout of the widely used PyTorch
 * port (pmixer/SASRec.pytorch):
 *
 * <pre>
 *   x = E[item] * sqrt(d) + P[slot];  dropout;  padding slots zeroed
 *   per block:  q = LN(x);  x = q + MHA(q, x, x) (causal; padding never a key);
 *               x = LN(x);  x = x + W2 dropout(relu(W1 dropout(x)));  padding slots zeroed
 *   h = LN(x)
 *   score(item j | history) = h[last] . E[j]       (the item embeddings are shared)
 * </pre>
 *
 * <p>Input: item ids [batch, n] (int64), right-aligned in the window of the last n history items,
 * 0 = padding on the left; a history of at least one item is required. Output: the final hidden
 * states [batch, n, d]. {@link #scores} turns the last slot's state into one score per catalogue
 * item.
 */
public final class SasRecModel extends AbstractBlock {
  private static final byte VERSION = 1;
  static final float LAYER_NORM_EPS = 1e-8f;

  private final SasRecConfig config;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();

  public SasRecModel(SasRecConfig config) {
    super(VERSION);
    this.config = config;
    for (Map.Entry<String, Shape> e : tensorShapes(config).entrySet()) {
      Parameter.Type type = e.getKey().endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
      byName.put(e.getKey(), addParameter(Parameter.builder().setName(e.getKey()).setType(type)
          .optShape(e.getValue()).build()));
    }
    setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
    setInitializer(new ConstantInitializer(1f), p -> p.getName().contains("norm") && p.getName().endsWith(".weight"));
  }

  public SasRecConfig config() {
    return config;
  }

  /** Parameters by tensor name, in file order. */
  public Map<String, Parameter> parametersByName() {
    return Collections.unmodifiableMap(byName);
  }

  /** Tensor names and shapes of a configuration. */
  public static Map<String, Shape> tensorShapes(SasRecConfig c) {
    int d = c.hidden();
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put("item_emb.weight", new Shape(c.items() + 1, d));
    s.put("pos_emb.weight", new Shape(c.maxLength(), d));
    for (int b = 0; b < c.blocks(); b++) {
      s.put("attention_layernorms." + b + ".weight", new Shape(d));
      s.put("attention_layernorms." + b + ".bias", new Shape(d));
      s.put("attention_layers." + b + ".in_proj_weight", new Shape(3L * d, d));
      s.put("attention_layers." + b + ".in_proj_bias", new Shape(3L * d));
      s.put("attention_layers." + b + ".out_proj.weight", new Shape(d, d));
      s.put("attention_layers." + b + ".out_proj.bias", new Shape(d));
      s.put("forward_layernorms." + b + ".weight", new Shape(d));
      s.put("forward_layernorms." + b + ".bias", new Shape(d));
      s.put("forward_layers." + b + ".conv1.weight", new Shape(d, d));
      s.put("forward_layers." + b + ".conv1.bias", new Shape(d));
      s.put("forward_layers." + b + ".conv2.weight", new Shape(d, d));
      s.put("forward_layers." + b + ".conv2.bias", new Shape(d));
    }
    s.put("last_layernorm.weight", new Shape(d));
    s.put("last_layernorm.bias", new Shape(d));
    return s;
  }

  /** The scores [batch, items] of every catalogue item after each window of item ids [batch, n]. */
  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(scores(ps, hidden(ps, inputs.singletonOrThrow(), training), training));
  }

  /**
   * The training forward of the every-position objective: the scores [batch, n, items] of every
   * catalogue item after each slot of each window (slot j sees slots &lt;= j only, so its scores are
   * a prediction of what followed it). The labels are the loss's business; they are not read here.
   */
  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList data, NDList labels, PairList<String, Object> params) {
    NDArray hidden = hidden(ps, data.singletonOrThrow(), true);
    NDArray table = w(ps, hidden, "item_emb.weight", true);
    NDArray items = table.get(new NDIndex("1:, :"));
    items.attach(hidden.getManager());
    return new NDList(hidden.matMul(items.transpose()));
  }

  /** The final hidden states [batch, n, d] of item ids [batch, n]. */
  public NDArray hidden(ParameterStore ps, NDArray ids, boolean training) {
    NDManager m = ids.getManager();
    long batch = ids.getShape().get(0);
    int n = (int) ids.getShape().get(1);
    if (n != config.maxLength()) {
      throw new IllegalArgumentException("expected windows of " + config.maxLength() + " items, got " + n);
    }
    int d = config.hidden();
    long[] flat = ids.toLongArray();
    int[] leftPad = new int[(int) batch];
    float[] keep = new float[flat.length];
    for (int r = 0; r < batch; r++) {
      int pad = 0;
      while (pad < n && flat[r * n + pad] == 0) {
        pad++;
      }
      leftPad[r] = pad;
      for (int j = pad; j < n; j++) {
        keep[r * n + j] = 1f;
      }
    }
    NDArray keepMask = m.create(keep, new Shape(batch, n, 1));

    NDArray table = w(ps, ids, "item_emb.weight", training);
    NDArray rows = table.get(new NDIndex("{}", ids.flatten()));
    rows.attach(m); // an op on a parameter lands in the parameter's manager: keep it with this call's arrays
    NDArray x = rows.reshape(batch, n, d).mul(scalar(m, (float) Math.sqrt(d)))
        .add(w(ps, ids, "pos_emb.weight", training));
    x = dropout(x, training).mul(keepMask);
    NDArray mask = attentionMask(m, n, leftPad);
    for (int b = 0; b < config.blocks(); b++) {
      NDArray q = layerNorm(ps, ids, x, "attention_layernorms." + b, training);
      x = q.add(attention(ps, ids, q, x, mask, "attention_layers." + b, training));
      x = layerNorm(ps, ids, x, "forward_layernorms." + b, training);
      NDArray inner = Activation.relu(linear(ps, ids, dropout(x, training), "forward_layers." + b + ".conv1", training));
      x = x.add(dropout(linear(ps, ids, dropout(inner, training), "forward_layers." + b + ".conv2", training), training));
      x = x.mul(keepMask);
    }
    return layerNorm(ps, ids, x, "last_layernorm", training);
  }

  /**
   * Scores of every catalogue item after each history: the last slot's hidden state dotted with
   * the item embeddings, [batch, items] (column r = catalogue row r; padding is not an item).
   */
  public NDArray scores(ParameterStore ps, NDArray hidden, boolean training) {
    long n = hidden.getShape().get(1);
    NDArray last = hidden.get(new NDIndex(":, {}, :", n - 1));
    NDArray table = w(ps, hidden, "item_emb.weight", training);
    NDArray items = table.get(new NDIndex("1:, :"));
    items.attach(hidden.getManager());
    return last.matMul(items.transpose());
  }

  private NDArray attention(ParameterStore ps, NDArray ids, NDArray query, NDArray keyValue, NDArray mask,
      String prefix, boolean training) {
    long batch = query.getShape().get(0);
    long n = query.getShape().get(1);
    int d = config.hidden();
    int h = config.heads();
    int hd = d / h;
    NDArray inW = w(ps, ids, prefix + ".in_proj_weight", training);
    NDArray inB = w(ps, ids, prefix + ".in_proj_bias", training);
    NDArray q = Linear.linear(query, inW.get(new NDIndex(":{}, :", d)), inB.get(new NDIndex(":{}", d)))
        .singletonOrThrow();
    NDArray k = Linear.linear(keyValue, inW.get(new NDIndex("{}:{}, :", d, 2 * d)),
        inB.get(new NDIndex("{}:{}", d, 2 * d))).singletonOrThrow();
    NDArray v = Linear.linear(keyValue, inW.get(new NDIndex("{}:, :", 2 * d)), inB.get(new NDIndex("{}:", 2 * d)))
        .singletonOrThrow();
    q = q.reshape(batch, n, h, hd).transpose(0, 2, 1, 3);
    k = k.reshape(batch, n, h, hd).transpose(0, 2, 1, 3);
    v = v.reshape(batch, n, h, hd).transpose(0, 2, 1, 3);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scalar(query.getManager(), (float) (1 / Math.sqrt(hd))))
        .add(mask);
    NDArray attn = dropout(scores.softmax(3), training).matMul(v).transpose(0, 2, 1, 3).reshape(batch, n, d);
    return linear(ps, ids, attn, prefix + ".out_proj", training);
  }

  /**
   * Additive mask [batch, 1, n, n]: -inf where slot i may not look at slot j: the future
   * (j &gt; i), and, for a real slot, the row's padding. A padding slot looks at padding only, so
   * its softmax stays finite; its output is zeroed anyway.
   */
  private static NDArray attentionMask(NDManager m, int n, int[] leftPad) {
    float[] mask = new float[leftPad.length * n * n];
    for (int r = 0; r < leftPad.length; r++) {
      int pad = leftPad[r];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          boolean hidden = j > i || (j < pad && i >= pad);
          mask[(r * n + i) * n + j] = hidden ? Float.NEGATIVE_INFINITY : 0f;
        }
      }
    }
    return m.create(mask, new Shape(leftPad.length, 1, n, n));
  }

  private NDArray layerNorm(ParameterStore ps, NDArray ids, NDArray x, String prefix, boolean training) {
    NDArray mean = x.mean(new int[] {2}, true);
    NDArray centred = x.sub(mean);
    NDArray var = centred.square().mean(new int[] {2}, true);
    NDArray normed = centred.div(var.add(scalar(x.getManager(), LAYER_NORM_EPS)).sqrt());
    return normed.mul(w(ps, ids, prefix + ".weight", training)).add(w(ps, ids, prefix + ".bias", training));
  }

  private NDArray linear(ParameterStore ps, NDArray ids, NDArray x, String prefix, boolean training) {
    return Linear.linear(x, w(ps, ids, prefix + ".weight", training), w(ps, ids, prefix + ".bias", training))
        .singletonOrThrow();
  }

  private NDArray dropout(NDArray x, boolean training) {
    return training && config.dropout() > 0 ? Dropout.dropout(x, (float) config.dropout(), true).singletonOrThrow() : x;
  }

  private NDArray w(ParameterStore ps, NDArray on, String name, boolean training) {
    return ps.getValue(byName.get(name), on.getDevice(), training);
  }

  /**
   * A float32 scalar allocated by PyTorch. Never {@code x.mul(number)} on a path autograd
   * differentiates: DJL wraps the number over a Java buffer it frees after the op, while autograd
   * keeps it for backward (see LlamaModel.scalar).
   */
  private static NDArray scalar(NDManager m, float value) {
    return m.full(new Shape(), value);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.items())};
  }

  /** Initialises every parameter (Xavier weights, zero biases, unit norm gains) in float32. */
  public void initialize(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, config.maxLength()));
  }
}
