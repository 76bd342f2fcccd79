package dev.recsys.trainer.publish;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.recsys.common.artifact.ReleaseLayout;
import dev.recsys.common.artifact.ReleaseManifest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublishGateTest {
  static Optional<ReleaseLayout> serving(String ndcg) {
    return Optional.of(new ReleaseLayout(Path.of("r1"), new ReleaseManifest(1, "t", "r1", "now", "p", "e", 2, 1,
        Map.of(), ndcg == null ? Map.of() : Map.of("metrics.validNdcg10", ndcg), Map.of())));
  }

  @Test
  void refusesAWorseRunBeyondTheMargin_unlessForced() {
    assertThatThrownBy(() -> PublishGate.check(serving("0.0500"), 0.0350, 0.01, false))
        .isInstanceOf(PublishGate.Refused.class).hasMessageContaining("0.0350").hasMessageContaining("0.0500")
        .hasMessageContaining("r1").hasMessageContaining("--force");
    assertThatCode(() -> PublishGate.check(serving("0.0500"), 0.0350, 0.01, true)).doesNotThrowAnyException();
  }

  @Test
  void refusesAnLlmPipelineWorseThanTheReleasesOwnBestRankingWithoutIt_sayingByHowMuch() {
    assertThatThrownBy(() -> PublishGate.checkAgainstNonLlm("bigrec+popularity", true, 0.0300, "sasrec", 0.0400, false))
        .isInstanceOf(PublishGate.Refused.class).hasMessageContaining("bigrec+popularity")
        .hasMessageContaining("0.0300").hasMessageContaining("sasrec, 0.0400").hasMessageContaining("by 0.0100")
        .hasMessageContaining("25.0%").hasMessageContaining("--force");
    assertThatCode(() -> PublishGate.checkAgainstNonLlm("bigrec+popularity", true, 0.0300, "sasrec", 0.0400, true))
        .doesNotThrowAnyException();
    assertThatCode(() -> PublishGate.checkAgainstNonLlm("d3+sasrec", true, 0.0500, "sasrec", 0.0400, false))
        .doesNotThrowAnyException();
    // a release that serves a ranking without the LLM is its own best such ranking
    assertThatCode(() -> PublishGate.checkAgainstNonLlm("transitions", false, 0.0300, "sasrec", 0.0400, false))
        .doesNotThrowAnyException();
  }

  @Test
  void passesWithinTheMargin_whenBetter_orWithNothingToCompare() {
    assertThatCode(() -> PublishGate.check(serving("0.0500"), 0.0420, 0.01, false)).doesNotThrowAnyException();
    assertThatCode(() -> PublishGate.check(serving("0.0500"), 0.0600, 0.01, false)).doesNotThrowAnyException();
    assertThatCode(() -> PublishGate.check(serving(null), 0.0, 0.01, false)).doesNotThrowAnyException();
    assertThatCode(() -> PublishGate.check(Optional.empty(), 0.0, 0.01, false)).doesNotThrowAnyException();
  }
}
