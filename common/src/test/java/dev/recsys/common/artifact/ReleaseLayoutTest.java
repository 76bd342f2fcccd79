package dev.recsys.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ReleaseLayoutTest {
  static ReleaseLayout release(Map<String, String> params, String... files) {
    Map<String, FileEntry> listed = new java.util.HashMap<>();
    for (String f : files) {
      listed.put(f, new FileEntry(1, "00"));
    }
    return new ReleaseLayout(Path.of("store/t/r1"), new ReleaseManifest(1, "t", "r1", "now", "p", "e", 2, 1, Map.of(),
        params, listed));
  }

  @Test
  void typedParametersRoundTripThroughTheManifestsEntries() {
    ReleaseParams p = ReleaseParams.of(1.5).withLlmEncoder("llm:abc").withIndex(new ReleaseParams.Index(16, 200))
        .withMetrics(new ReleaseParams.Metrics(OptionalDouble.of(0.08), Optional.of("sasrec"), OptionalDouble.of(0.07),
            OptionalDouble.of(0.081), OptionalDouble.empty()));
    Map<String, String> entries = p.toMap();
    assertThat(entries).containsEntry("gamma", "1.5").containsEntry("llm.encoder", "llm:abc")
        .containsEntry("index.m", "16").containsEntry("metrics.validNdcg10", "0.08")
        .doesNotContainKey("metrics.test.hr10");
    assertThat(ReleaseParams.of(entries)).isEqualTo(p);
    // a release without an LLM, index or metrics records only its gamma
    assertThat(ReleaseParams.of(0).toMap()).containsOnlyKeys("gamma");
    assertThat(ReleaseParams.of(Map.of())).isEqualTo(ReleaseParams.of(0));
  }

  @Test
  void readsAnOlderReleasesParameters_ignoringKeysItDoesNotKnow() {
    ReleaseParams p = ReleaseParams.of(Map.of("llm.gamma", "5.0", "gamma", "1.0", "generator", "transition-baseline",
        "llm.base", "base", "pipeline.kind", "sequential"));
    assertThat(p.gamma()).isEqualTo(5.0);
    assertThat(p.metrics()).isEqualTo(ReleaseParams.Metrics.NONE);
  }

  @Test
  void aMalformedParameterIsRefusedNamingTheManifestAndTheKey() {
    assertThatThrownBy(() -> release(Map.of("metrics.validNdcg10", "NaN")).params())
        .isInstanceOf(ArtifactException.class).hasMessageContaining("manifest.json")
        .hasMessageContaining("'metrics.validNdcg10' must be a finite number, got 'NaN'");
    assertThatThrownBy(() -> release(Map.of("index.m", "16")).params())
        .hasMessageContaining("'index.efConstruction' is missing");
    assertThatThrownBy(() -> release(Map.of("index.m", "x", "index.efConstruction", "1")).params())
        .hasMessageContaining("'index.m' must be an integer, got 'x'");
  }

  @Test
  void answersWhatTheReleaseContainsFromItsManifest() {
    ReleaseLayout plain = release(Map.of(), ReleaseLayout.CATALOGUE, ReleaseLayout.EMBEDDINGS);
    assertThat(plain.hasLlm()).isFalse();
    assertThat(plain.hasSequentialModel()).isFalse();
    assertThat(plain.file(ReleaseLayout.CATALOGUE)).isEqualTo(Path.of("store/t/r1/catalogue.tsv"));
    ReleaseLayout llm = release(Map.of(), ReleaseLayout.ADAPTER_CONFIG, "base/config.json", ReleaseLayout.SASREC);
    assertThat(llm.hasLlm()).isTrue();
    assertThat(llm.hasSequentialModel()).isTrue();
    assertThatThrownBy(() -> llm.require(ReleaseLayout.LLM_EMBEDDINGS, "the release carries an LLM"))
        .isInstanceOf(ArtifactException.class)
        .hasMessage(Path.of("store/t/r1/llm-embeddings.bin") + ": missing, but the release carries an LLM");
  }
}
