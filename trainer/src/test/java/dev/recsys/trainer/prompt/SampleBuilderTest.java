package dev.recsys.trainer.prompt;

import dev.recsys.llm.Prompts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.trainer.split.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleBuilderTest {
  static Map<String, String> titles() {
    Map<String, String> t = new LinkedHashMap<>();
    for (int i = 1; i <= 20; i++) {
      t.put(Integer.toString(i), "Film " + i + " (199" + (i % 10) + ")");
    }
    return t;
  }

  static List<Sample> train() {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      out.add(new Sample("u" + i, List.of(Integer.toString(1 + i % 5), Integer.toString(6 + i % 5)),
          Integer.toString(11 + i % 10), i));
    }
    return out;
  }

  @Test
  void buildsNRecommendationSamplesPlusAuxiliaryOnes_deterministically() {
    SampleBuilder b = new SampleBuilder(Prompts.movies(), titles());
    List<InstructionSample> s = b.build(train(), 20, 0.5, 3);
    assertThat(s).hasSize(30);
    assertThat(s.stream().filter(x -> x.task().equals("rec"))).hasSize(20);
    assertThat(s.stream().filter(x -> x.task().equals("mim"))).hasSize(5);
    assertThat(s.stream().filter(x -> x.task().equals("bpr"))).hasSize(5);
    assertThat(b.build(train(), 20, 0.5, 3)).isEqualTo(s);
    assertThat(b.build(train(), 20, 0.5, 4)).isNotEqualTo(s);
  }

  @Test
  void textsFollowTheMethod() {
    SampleBuilder b = new SampleBuilder(Prompts.movies(), titles());
    Sample s = new Sample("u", List.of("1", "2"), "3", 0);
    InstructionSample rec = b.recommend(s);
    assertThat(rec.prompt()).contains("The user has watched the following movies before: \"Film 1 (1991)\", "
        + "\"Film 2 (1992)\"").endsWith("### Response:");
    assertThat(rec.response()).isEqualTo(" \"Film 3 (1993)\"");
    for (InstructionSample x : b.build(List.of(s), 1, 4, 9)) {
      switch (x.task()) {
        case "mim" -> {
          assertThat(x.prompt()).contains(Prompts.MASK);
          assertThat(List.of(" \"Film 1 (1991)\"", " \"Film 2 (1992)\"")).contains(x.response());
        }
        case "bpr" -> {
          assertThat(x.response()).isEqualTo(" \"Film 3 (1993)\"");
          assertThat(x.prompt()).contains("Candidates:").contains("\"Film 3 (1993)\"");
        }
        default -> assertThat(x).isEqualTo(rec);
      }
    }
  }
}
