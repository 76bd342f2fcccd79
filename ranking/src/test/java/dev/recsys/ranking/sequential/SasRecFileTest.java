package dev.recsys.ranking.sequential;

import dev.recsys.common.artifact.ReleaseLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.llm.DjlDefaults;
import dev.recsys.llm.safetensors.DType;
import dev.recsys.llm.safetensors.FloatTensor;
import dev.recsys.llm.safetensors.SafetensorsFile;
import dev.recsys.llm.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SasRecFileTest {
  static final List<String> IDS = List.of("a", "b", "c", "d", "e", "f");

  @TempDir Path dir;

  @BeforeAll
  static void djl() {
    DjlDefaults.apply();
  }

  Path written(List<String> ids) throws Exception {
    Path file = dir.resolve(ReleaseLayout.SASREC);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      SasRecModel model = new SasRecModel(new SasRecConfig(ids.size(), 4, 8, 2, 2, 0.2));
      model.initialize(m);
      SasRecFile.write(model, ids, file);
    }
    return file;
  }

  @Test
  void roundTrip_scoresEveryItem_andReadsOnlyTheLastWindow() throws Exception {
    Path file = written(IDS);
    try (SasRec a = SasRec.load(file, IDS); SasRec b = SasRec.load(file, IDS)) {
      float[] s = a.scores(new int[] {0, 1, 2});
      assertThat(s).hasSize(IDS.size());
      assertThat(b.scores(new int[] {0, 1, 2})).containsExactly(s);
      // the window is the last 4 items: what came before does not matter
      assertThat(a.scores(new int[] {5, 5, 0, 1, 2, 3})).containsExactly(a.scores(new int[] {0, 1, 2, 3}));
      // a batch scores each history as alone
      float[][] batch = a.scores(List.of(new int[] {0, 1, 2}, new int[] {4}));
      for (int i = 0; i < s.length; i++) {
        assertThat(batch[0][i]).isCloseTo(s[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
      assertThat(a.scores(new int[] {4})).isNotEqualTo(s);
      float[] empty = a.scores(new int[0]);
      assertThat(empty).hasSize(IDS.size());
      for (float v : empty) {
        assertThat(Float.isFinite(v)).isTrue();
      }
    }
  }

  @Test
  void refusesAnotherCatalogue_orderOrSize() throws Exception {
    Path file = written(IDS);
    assertThatThrownBy(() -> SasRec.load(file, List.of("a", "b", "c", "d", "f", "e")))
        .isInstanceOf(ArtifactException.class).hasMessageContaining(file.toString())
        .hasMessageContaining("catalogue");
    assertThatThrownBy(() -> SasRec.load(file, List.of("a", "b", "c")))
        .isInstanceOf(ArtifactException.class).hasMessageContaining("scores 6 items but the catalogue has 3");
  }

  @Test
  void refusesMissing_corrupt_otherFormat_orNonFiniteFiles() throws Exception {
    assertThatThrownBy(() -> SasRec.load(dir.resolve("none.safetensors"), IDS))
        .isInstanceOf(ArtifactException.class).hasMessageContaining("missing");
    Path file = written(IDS);
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = dir.resolve("truncated.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> SasRec.load(truncated, IDS)).isInstanceOf(ArtifactException.class)
        .hasMessageContaining("truncated.safetensors");

    SafetensorsFile st = SafetensorsFile.open(file);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    st.tensors().keySet().forEach(n -> tensors.put(n, st.floats(n)));
    Map<String, String> meta = new LinkedHashMap<>(st.metadata());
    meta.put("format", "pt");
    Path other = dir.resolve("other.safetensors");
    SafetensorsWriter.write(other, tensors, meta, DType.F32);
    assertThatThrownBy(() -> SasRec.load(other, IDS)).hasMessageContaining("not a SASRec model");

    meta = new LinkedHashMap<>(st.metadata());
    meta.put("format_version", "9");
    SafetensorsWriter.write(other, tensors, meta, DType.F32);
    assertThatThrownBy(() -> SasRec.load(other, IDS)).hasMessageContaining("format version 9");

    FloatTensor norm = tensors.get("last_layernorm.weight");
    float[] bad = norm.data().clone();
    bad[0] = Float.NaN;
    tensors.put("last_layernorm.weight", new FloatTensor(norm.shape(), bad));
    SafetensorsWriter.write(other, tensors, st.metadata(), DType.F32);
    assertThatThrownBy(() -> SasRec.load(other, IDS)).hasMessageContaining("non-finite");

    tensors.remove("last_layernorm.weight");
    SafetensorsWriter.write(other, tensors, st.metadata(), DType.F32);
    assertThatThrownBy(() -> SasRec.load(other, IDS)).hasMessageContaining("last_layernorm.weight is missing");
  }
}
