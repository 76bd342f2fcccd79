package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backward pass must not read memory the forward pass let go of.
 *
 * <p>Regression test for a trap in DJL's PyTorch engine: {@code x.mul(2.0)} / {@code x.div(2.0)}
 * wrap the number in a tensor over a Java direct buffer and close it right after the op, but
 * autograd keeps that tensor to compute the gradient. Once the garbage collector frees the buffer
 * the backward pass reads whatever lives there now: gradients changed from run to run and
 * sometimes became NaN (LoRA training stopped with "the loss was NaN"). The test runs backward
 * twice on the same inputs, once after filling freed native memory with NaNs, and requires finite,
 * identical gradients.
 */
class GradientLifetimeTest {
  @TempDir Path dir;
  NDManager manager;
  Path reference;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    reference = ReferenceCheckpoint.copyTo(dir.resolve("reference"));
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void gradients_doNotDependOnFreedMemory_fullModelAndLora() {
    assertSameFiniteGradients(false);
  }

  @Test
  void gradients_doNotDependOnFreedMemory_trainingForward() {
    // a training forward (dropout on; the same seed draws the same masks) also closes each layer's
    // handles as it goes: autograd must still hold what the backward reads
    assertSameFiniteGradients(true);
  }

  private void assertSameFiniteGradients(boolean training) {
    Map<String, float[]> quiet = gradients(false, training);
    Map<String, float[]> poisoned = gradients(true, training);
    assertThat(quiet).isNotEmpty();
    quiet.forEach((name, g) -> {
      for (float v : g) {
        assertThat(v).as(name).isFinite();
      }
      assertThat(poisoned.get(name)).as(name).containsExactly(g);
    });
  }

  /** Gradients of all parameters (base and LoRA) of one forward (training: with dropout) and backward. */
  private Map<String, float[]> gradients(boolean poisonBeforeBackward, boolean training) {
    Engine.getInstance().setRandomSeed(11);
    try (NDManager m = manager.newSubManager()) {
      LlamaModel model = LlamaCheckpoint.load(reference, m, LoraAdapter.config(reference.resolve("adapter")));
      LoraAdapter.load(model, reference.resolve("adapter"), m); // B != 0: gradients reach every LoRA matrix
      model.parametersByName().values().forEach(p -> p.getArray().setRequiresGradient(true));
      NDArray ids = m.create(new long[] {1, 5, 9, 3, 7, 2, 4, 4, 8, 0, 31, 16}, new Shape(2, 6));
      Map<String, float[]> out = new LinkedHashMap<>();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = model.forward(new ParameterStore(m, false), ids, null, training).get(0);
        NDArray loss = logits.square().mean();
        if (poisonBeforeBackward) {
          poisonFreedNativeMemory();
        }
        gc.backward(loss);
      }
      model.parametersByName().forEach((name, p) -> out.put(name, p.getArray().getGradient().toFloatArray()));
      return out;
    }
  }

  /** Lets the collector free unreachable direct buffers, then refills small native blocks with NaN. */
  private static void poisonFreedNativeMemory() {
    List<ByteBuffer> keep = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      System.gc();
      try {
        Thread.sleep(20); // the Cleaner thread frees direct buffers after the collection
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 20_000; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 4) {
          b.putFloat(Float.NaN);
        }
        keep.add(b);
      }
    }
    if (keep.isEmpty()) {
      throw new AssertionError("nothing allocated");
    }
  }
}
