package dev.recsys.trainer.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.Interaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitterTest {
  /** user u: items 1..15 at times 1..15; user v: items 1..5 at times 100..104. */
  static Dataset data() {
    Map<String, String> titles = new LinkedHashMap<>();
    for (int i = 1; i <= 15; i++) {
      titles.put(Integer.toString(i), "T" + i);
    }
    List<Interaction> log = new ArrayList<>();
    for (int i = 1; i <= 15; i++) {
      log.add(new Interaction("u", Integer.toString(i), i));
    }
    for (int i = 1; i <= 5; i++) {
      log.add(new Interaction("v", Integer.toString(i), 99 + i));
    }
    return new Dataset("t", titles, log);
  }

  @Test
  void bigrec_slidingWindowsOfTen_globalTimeSplit8010() {
    Splits s = Splitter.bigrec(data());
    int total = 14 + 4;
    assertThat(s.train().size() + s.valid().size() + s.test().size()).isEqualTo(total);
    assertThat(s.train()).hasSize(14);
    Sample last = s.train().get(13);
    // u's target at position 14 (item 15) has the 10 previous items 5..14
    Sample u15 = s.train().stream().filter(x -> x.target().equals("15")).findFirst().orElseThrow();
    assertThat(u15.history()).containsExactly("5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
    // time order: every test sample is at or after every train sample
    long maxTrain = s.train().stream().mapToLong(Sample::timestamp).max().orElseThrow();
    assertThat(s.test()).allSatisfy(x -> assertThat(x.timestamp()).isGreaterThanOrEqualTo(maxTrain));
    assertThat(last.timestamp()).isLessThanOrEqualTo(s.valid().get(0).timestamp());
  }

  @Test
  void shuffledTies_reorderOnlyTrainingSamplesWithinASecond_seeded() {
    Map<String, String> titles = new LinkedHashMap<>();
    List<Interaction> log = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      titles.put(Integer.toString(i), "T" + i);
      log.add(new Interaction("u", Integer.toString(i), i / 4)); // pages of 4 ratings in the same second
    }
    Dataset d = new Dataset("t", titles, log);
    Splits id = Splitter.bigrec(d);
    Splits a = Splitter.bigrec(d, Splitter.TieOrder.SHUFFLED, 1);
    assertThat(a.valid()).isEqualTo(id.valid());
    assertThat(a.test()).isEqualTo(id.test());
    assertThat(a.train()).isNotEqualTo(id.train()).isEqualTo(Splitter.bigrec(d, Splitter.TieOrder.SHUFFLED, 1).train());
    for (int i = 0; i < a.train().size(); i++) {
      // same positions, same seconds: only the order inside a second changed
      assertThat(a.train().get(i).timestamp()).isEqualTo(id.train().get(i).timestamp());
      assertThat(a.train().get(i).timestamp() / 1).isEqualTo(Long.parseLong(a.train().get(i).target()) / 4);
    }
    assertThat(id.test()).anySatisfy(s -> assertThat(s.strictlyLater()).isFalse());
    assertThat(id.test()).anySatisfy(s -> assertThat(s.strictlyLater()).isTrue());
  }

  @Test
  void validationHalves_areDisjoint_interleaved_andCoverTheSplit() {
    Splits s = Splitter.bigrec(data());
    List<Sample> valid = new ArrayList<>(s.train()); // any list of samples will do
    List<Sample> a = ValidationHalves.forSequentialModel(valid);
    List<Sample> b = ValidationHalves.forPipelines(valid);
    assertThat(a).hasSize((valid.size() + 1) / 2).containsExactly(valid.get(0), valid.get(2), valid.get(4),
        valid.get(6), valid.get(8), valid.get(10), valid.get(12));
    assertThat(b).hasSize(valid.size() / 2).doesNotContainAnyElementsOf(a);
    List<Sample> all = new ArrayList<>(a);
    all.addAll(b);
    assertThat(all).containsExactlyInAnyOrderElementsOf(valid);
  }

  @Test
  void leaveOneOut_lastIsTest_secondLastIsValid() {
    Splits s = Splitter.leaveOneOut(data());
    assertThat(s.test()).extracting(Sample::target).containsExactly("15", "5");
    assertThat(s.valid()).extracting(Sample::target).containsExactly("14", "4");
    assertThat(s.train()).hasSize(12 + 2);
    assertThat(s.test().get(1).history()).containsExactly("1", "2", "3", "4");
  }
}
