package dev.recsys.ranking.encoder;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;

/**
 * The pretrained sentence encoder all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions, mean pooling)
 * as shipped inside langchain4j's Maven jar and run with ONNX Runtime: nothing is downloaded.
 * Vectors are L2-normalised, so L2 distance orders like cosine similarity.
 */
public final class MiniLmEncoder implements Encoder {
  public static final String ID = "all-minilm-l6-v2-q";
  private static final int DIMENSION = 384;

  private final AllMiniLmL6V2QuantizedEmbeddingModel model;

  public MiniLmEncoder() {
    // Runs texts of one call on the caller's thread: a request's few texts gain nothing from a
    // pool, and batch jobs parallelise by calling encode() from several threads.
    this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[][] encode(List<String> texts) {
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    List<Embedding> embeddings = model.embedAll(segments).content();
    float[][] out = new float[embeddings.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = normalise(embeddings.get(i).vector());
    }
    return out;
  }

  static float[] normalise(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] / norm);
      }
    }
    return v;
  }
}
