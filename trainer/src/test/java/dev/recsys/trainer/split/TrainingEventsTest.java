package dev.recsys.trainer.split;

import static org.assertj.core.api.Assertions.assertThat;

import dev.recsys.trainer.split.TrainingEvents.Event;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainingEventsTest {
  @Test
  void aFirstSamplesHistoryHoldsEarlierEvents_laterSamplesAddTheirTargetOnly() {
    // MiniOneRec's layout: the user's rows start after events no row targets
    List<Sample> train = List.of(
        new Sample("u", List.of("a", "b", "c"), "d", 0),
        new Sample("u", List.of("a", "b", "c", "d"), "e", 1));
    assertThat(TrainingEvents.of(train)).containsExactly(
        new Event(List.of(), "a"), new Event(List.of("a"), "b"), new Event(List.of("a", "b"), "c"),
        new Event(List.of("a", "b", "c"), "d"), new Event(List.of("a", "b", "c", "d"), "e"));
    assertThat(TrainingEvents.withHistory(train)).hasSize(4).allMatch(e -> !e.history().isEmpty());
  }

  @Test
  void samplesOfEveryEventAreTheirOwnEvents() {
    // MovieLens' split: one sample per event after the first
    List<Sample> train = List.of(
        new Sample("u", List.of("a"), "b", 0), new Sample("v", List.of("x"), "y", 1),
        new Sample("u", List.of("a", "b"), "c", 2), new Sample("v", List.of("x", "y"), "z", 3));
    assertThat(TrainingEvents.withHistory(train)).containsExactly(
        new Event(List.of("a"), "b"), new Event(List.of("x"), "y"),
        new Event(List.of("a", "b"), "c"), new Event(List.of("x", "y"), "z"));
  }

  @Test
  void aSampleThatDoesNotContinueTheUsersEventsAddsItsOwnAndRestartsTheSequence() {
    List<Sample> train = List.of(
        new Sample("u", List.of("a"), "b", 0),
        new Sample("u", List.of("p", "q"), "r", 1),
        new Sample("u", List.of("q", "r"), "s", 2));
    assertThat(TrainingEvents.of(train)).containsExactly(
        new Event(List.of(), "a"), new Event(List.of("a"), "b"),
        new Event(List.of("p", "q"), "r"), new Event(List.of("q", "r"), "s"));
  }

  @Test
  void earlierEventsHistoriesAreCappedAtTheWindow() {
    List<String> history = IntStream.range(0, Splitter.WINDOW + 2).mapToObj(i -> "i" + i).toList();
    List<Event> events = TrainingEvents.of(List.of(new Sample("u", history, "t", 0)));
    assertThat(events).hasSize(Splitter.WINDOW + 3);
    assertThat(events.get(Splitter.WINDOW + 1).history()).hasSize(Splitter.WINDOW)
        .startsWith("i1").endsWith("i" + Splitter.WINDOW);
    assertThat(events.get(Splitter.WINDOW + 2)).isEqualTo(new Event(history, "t"));
  }
}
