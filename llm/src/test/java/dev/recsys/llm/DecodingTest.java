package dev.recsys.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greedy and beam decoding on the reference checkpoint, checked against full forward passes without cache. */
class DecodingTest {
  static final long[] PROMPT = {1, 5, 9};
  static final long EOS = 2;
  NDManager manager;
  LlamaModel model;
  Decoding decoding;
  @TempDir Path dir;
  Path reference;

  @BeforeEach
  void setUp() throws Exception {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    reference = ReferenceCheckpoint.copyTo(dir.resolve("reference"));
    model = LlamaCheckpoint.load(reference, manager);
    decoding = new Decoding(model, manager);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** log-probabilities of each next token given all previous ones, by one full forward (no cache). */
  double[] teacherForcedLogProbs(long[] prompt, long[] continuation) {
    long[] all = new long[prompt.length + continuation.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
    NDArray logp = model.forward(new ParameterStore(manager, false), manager.create(all, new Shape(1, all.length)), null,
        false).get(0).logSoftmax(2);
    double[] out = new double[continuation.length];
    for (int i = 0; i < continuation.length; i++) {
      out[i] = logp.get(new NDIndex("0, {}, {}", prompt.length + i - 1, continuation[i])).getFloat();
    }
    return out;
  }

  @Test
  void greedy_equalsArgmaxOfFullForwardPasses() {
    Decoding.Hypothesis g = decoding.greedy(PROMPT, 8, EOS);
    long[] seq = PROMPT.clone();
    for (long expectedToken : g.tokens()) {
      NDArray logits = model.forward(new ParameterStore(manager, false), manager.create(seq, new Shape(1, seq.length)),
          null, false).get(0);
      long argmax = logits.get(new NDIndex("0, -1, :")).argMax().getLong();
      assertThat(argmax).isEqualTo(expectedToken);
      seq = Arrays.copyOf(seq, seq.length + 1);
      seq[seq.length - 1] = argmax;
    }
    assertThat(g.tokens().length == 8 || g.tokens()[g.tokens().length - 1] == EOS).isTrue();
  }

  @Test
  void beamScores_equalTeacherForcedLogProbabilities_andBeamsAreDistinctAndSorted() {
    List<Decoding.Hypothesis> beams = decoding.beam(PROMPT, 4, 6, EOS);
    assertThat(beams).hasSize(4);
    Set<String> distinct = new HashSet<>();
    double previous = Double.POSITIVE_INFINITY;
    for (Decoding.Hypothesis h : beams) {
      assertThat(distinct.add(Arrays.toString(h.tokens()))).isTrue();
      double sum = Arrays.stream(teacherForcedLogProbs(PROMPT, h.tokens())).sum();
      assertThat(h.score()).isCloseTo(sum / h.tokens().length, within(1e-4));
      assertThat(h.score()).isLessThanOrEqualTo(previous);
      previous = h.score();
    }
  }

  @Test
  void constrainedBeams_followOnlyAllowedPaths_andEndOnThem() {
    // three "titles" as token paths, each ending with eos; the unconstrained model prefers others
    List<long[]> paths = List.of(new long[] {5, 6, EOS}, new long[] {5, 7, 8, EOS}, new long[] {9, EOS});
    Decoding.Constraint trie = generated -> {
      java.util.Set<Long> next = new java.util.TreeSet<>();
      for (long[] p : paths) {
        if (generated.length < p.length && java.util.Arrays.equals(java.util.Arrays.copyOf(p, generated.length),
            generated)) {
          next.add(p[generated.length]);
        }
      }
      return next.stream().mapToLong(Long::longValue).toArray();
    };
    List<Decoding.Hypothesis> beams = decoding.beam(PROMPT, 3, 8, EOS, trie);
    assertThat(beams).hasSize(3);
    assertThat(beams).allSatisfy(h -> assertThat(paths).anySatisfy(p -> assertThat(h.tokens()).containsExactly(p)));
    assertThat(beams.stream().map(h -> java.util.Arrays.toString(h.tokens())).distinct()).hasSize(3);
    // with one beam it is the best allowed path, and a path the trie forbids never appears
    long[] best = decoding.beam(PROMPT, 1, 8, EOS, trie).get(0).tokens();
    assertThat(paths).anySatisfy(p -> assertThat(best).containsExactly(p));
  }

  /** Rows 0..3: titles [5, 6], [5, 7, 8], [9], [5, 6] again (a title two items share), each then eos. */
  static TitleTrie fourTitles() {
    return TitleTrie.of(List.of(new long[] {5, 6, EOS}, new long[] {5, 7, 8, EOS}, new long[] {9, EOS},
        new long[] {5, 6, EOS}));
  }

  @Test
  void d3Beams_areRankedBySummedLogProbabilities_withoutLengthNormalisation() {
    TitleTrie trie = fourTitles();
    List<Decoding.Hypothesis> beams = decoding.beams(List.of(new Decoding.BeamRequest(PROMPT, 3, 8, EOS, trie, false,
        0))).get(0);
    assertThat(beams).hasSize(3);
    for (Decoding.Hypothesis h : beams) {
      double sum = Arrays.stream(teacherForcedLogProbs(PROMPT, h.tokens())).sum();
      assertThat(h.score()).isCloseTo(sum, within(1e-4));
    }
    assertThat(beams).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
  }

  @Test
  void logLikelihoods_equalTeacherForcedSums_forContinuationsOfDifferentLengths() {
    List<long[]> conts = List.of(new long[] {5, 6, EOS}, new long[] {9, EOS}, new long[] {5, 7, 8, EOS},
        new long[] {7});
    double[] ll = decoding.logLikelihoods(PROMPT, conts);
    for (int i = 0; i < conts.size(); i++) {
      double sum = Arrays.stream(teacherForcedLogProbs(PROMPT, conts.get(i))).sum();
      assertThat(ll[i]).as("continuation %d", i).isCloseTo(sum, within(1e-4));
    }
    TitleTrie trie = fourTitles();
    assertThat(trie.tokens(1)).containsExactly(5, 7, 8, EOS);
  }

  @Test
  void logLikelihoods_ofMoreContinuationsThanOneBatchHolds_equalTeacherForcedSums_inTheCallersOrder() {
    java.util.Random rnd = new java.util.Random(11);
    int vocab = model.config().vocabSize();
    List<long[]> conts = new java.util.ArrayList<>();
    int positions = 0;
    while (positions <= 3 * Decoding.LIKELIHOOD_POSITIONS) {
      long[] c = new long[1 + rnd.nextInt(20)]; // lengths 1..20 in random order: several batches
      for (int t = 0; t < c.length; t++) {
        c[t] = 3 + rnd.nextInt(vocab - 3);
      }
      conts.add(c);
      positions += c.length;
    }
    double[] ll = decoding.logLikelihoods(PROMPT, conts);
    for (int i = 0; i < conts.size(); i++) {
      double sum = Arrays.stream(teacherForcedLogProbs(PROMPT, conts.get(i))).sum();
      assertThat(ll[i]).as("continuation %d of %d", i, conts.size()).isCloseTo(sum, within(1e-3));
    }
  }

  @Test
  void theAssistantAlone_ranksTitlesByItsOwnProbabilities_andExcludedRowsNeverAppear() {
    TitleTrie trie = fourTitles();
    // rows 0 and 3 share a title: their mass adds up (0.1 + 0.3); row 1 0.2, row 2 0.4
    float[] assistant = {0.1f, 0.2f, 0.4f, 0.3f};
    List<Decoding.Hypothesis> beams = decoding.beams(List.of(new Decoding.BeamRequest(PROMPT, 3, 8, EOS,
        trie.restrict(Set.of(), assistant), false, 1.0))).get(0);
    assertThat(beams).extracting(h -> Arrays.toString(h.tokens())).containsExactly("[5, 6, 2]", "[9, 2]",
        "[5, 7, 8, 2]");
    assertThat(beams.get(0).score()).isCloseTo(Math.log(0.4), within(1e-4));
    assertThat(beams.get(2).score()).isCloseTo(Math.log(0.2), within(1e-4));
    // leaving out rows 0 and 3 leaves [5, 7, 8] as the only title after 5, and [9] as the best
    List<Decoding.Hypothesis> without = decoding.beams(List.of(new Decoding.BeamRequest(PROMPT, 3, 8, EOS,
        trie.restrict(Set.of(0, 3), assistant), false, 1.0))).get(0);
    assertThat(without).extracting(h -> Arrays.toString(h.tokens())).containsExactly("[9, 2]", "[5, 7, 8, 2]");
    assertThat(trie.rows(new long[] {5, 6, EOS})).containsExactly(0, 3);
    assertThat(trie.rows(new long[] {5, 6})).isEmpty();
  }

  @Test
  void aHalfAssistant_mixesBothLogProbabilitiesAtEveryStep() {
    TitleTrie trie = fourTitles();
    float[] assistant = {0.1f, 0.2f, 0.4f, 0.3f};
    Decoding.Hypothesis best = decoding.beams(List.of(new Decoding.BeamRequest(PROMPT, 1, 8, EOS,
        trie.restrict(Set.of(), assistant), false, 0.5))).get(0).get(0);
    double[] llm = teacherForcedLogProbs(PROMPT, best.tokens());
    TitleTrie.View view = trie.restrict(Set.of(), assistant);
    double expected = 0;
    for (int i = 0; i < best.tokens().length; i++) {
      long[] prefix = Arrays.copyOf(best.tokens(), i);
      long[] allowed = view.allowed(prefix);
      double[] assist = view.logProbs(prefix, allowed);
      int at = Arrays.binarySearch(allowed, best.tokens()[i]);
      expected += 0.5 * llm[i] + 0.5 * assist[at];
    }
    assertThat(best.score()).isCloseTo(expected, within(1e-4));
  }

  @Test
  void leftPaddedRows_giveTheLogitsOfTheirPromptAlone_inPrefillAndWithTheCache() {
    long[] shortPrompt = {1, 9, 4};
    ParameterStore ps = new ParameterStore(manager, false);
    KvCache cache = new KvCache(model.config().numHiddenLayers(), new int[] {2, 0});
    NDArray batch = manager.create(new long[] {EOS, EOS, 1, 9, 4, 1, 5, 9, 3, 7}, new Shape(2, 5));
    float[] padded = model.forward(ps, batch, cache, false).get(0).get(new NDIndex("0, 2:, :")).toFloatArray();
    float[] alone = model.forward(ps, manager.create(shortPrompt, new Shape(1, 3)), null, false).get(0).toFloatArray();
    assertThat(padded).containsExactly(alone, within(1e-5f));
    float[] unpadded = model.forward(ps, manager.create(new long[] {EOS, EOS, 1, 9, 4}, new Shape(1, 5)), null, false)
        .get(0).get(new NDIndex("0, 2:, :")).toFloatArray();
    assertThat(unpadded).as("without the mask and positions the padding would change them")
        .isNotEqualTo(alone);

    // one more token per row through the cache: as if each prompt had been alone
    float[] next = model.forward(ps, manager.create(new long[] {6, 6}, new Shape(2, 1)), cache, false).get(0)
        .toFloatArray();
    int vocab = model.config().vocabSize();
    long[] shortNext = {1, 9, 4, 6};
    long[] longNext = {1, 5, 9, 3, 7, 6};
    float[] shortFull = model.forward(ps, manager.create(shortNext, new Shape(1, 4)), null, false).get(0)
        .get(new NDIndex("0, -1, :")).toFloatArray();
    float[] longFull = model.forward(ps, manager.create(longNext, new Shape(1, 6)), null, false).get(0)
        .get(new NDIndex("0, -1, :")).toFloatArray();
    assertThat(Arrays.copyOfRange(next, 0, vocab)).containsExactly(shortFull, within(1e-5f));
    assertThat(Arrays.copyOfRange(next, vocab, 2 * vocab)).containsExactly(longFull, within(1e-5f));
  }

  @Test
  void batchedBeamSearches_ofDifferentPromptsWidthsAndConstraints_equalEachAlone() {
    List<long[]> paths = List.of(new long[] {5, 6, EOS}, new long[] {5, 7, 8, EOS}, new long[] {9, EOS});
    Decoding.Constraint trie = generated -> {
      Set<Long> next = new java.util.TreeSet<>();
      for (long[] p : paths) {
        if (generated.length < p.length && Arrays.equals(Arrays.copyOf(p, generated.length), generated)) {
          next.add(p[generated.length]);
        }
      }
      return next.stream().mapToLong(Long::longValue).toArray();
    };
    List<Decoding.BeamRequest> requests = List.of(
        new Decoding.BeamRequest(PROMPT, 4, 6, EOS, null),
        new Decoding.BeamRequest(new long[] {1, 7, 3, 12, 4, 4}, 1, 8, EOS, null),
        new Decoding.BeamRequest(new long[] {1, 9}, 3, 8, EOS, trie),
        new Decoding.BeamRequest(new long[] {1}, 2, 1, EOS, null),
        new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 7, 2, 4, 4}, 3, 10, EOS, null));
    List<List<Decoding.Hypothesis>> batched = decoding.beams(requests);
    assertThat(batched).hasSize(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      List<Decoding.Hypothesis> alone = decoding.beams(List.of(requests.get(i))).get(0);
      List<Decoding.Hypothesis> together = batched.get(i);
      assertThat(together).as("request %d", i).hasSameSizeAs(alone).isNotEmpty();
      for (int h = 0; h < alone.size(); h++) {
        assertThat(together.get(h).tokens()).as("request %d hypothesis %d", i, h).containsExactly(alone.get(h).tokens());
        assertThat(together.get(h).score()).isCloseTo(alone.get(h).score(), within(1e-5));
      }
    }
    assertThat(batched.get(1)).hasSize(1);
    assertThat(batched.get(3)).allSatisfy(h -> assertThat(h.tokens()).hasSize(1));
    // each search is reported when it ends: the one-token search before the ten-token one
    List<Integer> order = new ArrayList<>();
    List<List<Decoding.Hypothesis>> reported = new ArrayList<>(java.util.Collections.nCopies(requests.size(), null));
    decoding.beams(requests, (i, h) -> {
      order.add(i);
      reported.set(i, h);
    });
    assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4).startsWith(3);
    for (int i = 0; i < requests.size(); i++) {
      assertThat(reported.get(i)).extracting(h -> Arrays.toString(h.tokens()))
          .containsExactlyElementsOf(batched.get(i).stream().map(h -> Arrays.toString(h.tokens())).toList());
    }
  }

  @Test
  void searchesJoiningARunningBatch_atLaterSteps_equalEachAlone_withAndWithoutACachedPrefix() {
    long[] header = {1, 5, 9, 3};
    List<Decoding.BeamRequest> running = List.of(
        new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 7, 2, 4}, 3, 10, EOS, null),
        new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 8}, 2, 9, EOS, null));
    // joining at the first and the third step: longer and shorter than the running rows, one that
    // ends at once (a single token), and one that shares less of the cached prefix than the batch
    List<List<Decoding.BeamRequest>> arriving = List.of(
        List.of(new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 6, 6, 6, 6, 6, 4, 2}, 2, 6, EOS, null),
            new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 12}, 1, 7, EOS, null)),
        List.of(),
        List.of(new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 11, 4}, 4, 8, EOS, null),
            new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 10}, 2, 1, EOS, null)));
    Decoding.BeamRequest unfit = new Decoding.BeamRequest(new long[] {1, 5, 7, 7}, 2, 5, EOS, null);
    ExecutorService prefillThread = Executors.newSingleThreadExecutor();
    // late: the running searches end before the joiners' prefill does, and the batch waits for it
    Executor late = task -> prefillThread.execute(() -> {
      sleep(40);
      task.run();
    });
    for (Executor prefills : Arrays.asList(null, prefillThread, late))
    for (boolean cached : new boolean[] {false, true}) {
      decoding.prefillJoinersOn(prefills);
      decoding.cachePrefix(cached ? header : new long[0]);
      List<Decoding.BeamRequest> all = new ArrayList<>(running);
      arriving.forEach(all::addAll);
      List<List<Decoding.Hypothesis>> alone = new ArrayList<>();
      for (Decoding.BeamRequest r : all) {
        alone.add(decoding.beams(List.of(r)).get(0));
      }
      int[] calls = {0};
      List<Boolean> unfitFits = new ArrayList<>();
      List<Integer> reported = new ArrayList<>();
      List<Thread> prefillsReported = new ArrayList<>();
      Decoding.CallObserver observer = (start, end, rows, tokens, cachedTokens) ->
          prefillsReported.add(Thread.currentThread());
      List<List<Decoding.Hypothesis>> together = Decoding.observing(observer, () -> decoding.beams(running,
          (i, h) -> reported.add(i), fits -> {
            unfitFits.add(fits.test(unfit));
            int call = calls[0]++;
            return call < arriving.size() ? arriving.get(call) : List.of();
          }));
      assertThat(calls[0]).as("asked before every step").isGreaterThan(arriving.size());
      assertSameSearches(alone, together);
      assertThat(reported).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
      assertThat(unfitFits).as("a prompt sharing less of the prefix than the batch %s", cached ? "cannot join"
          : "can join when nothing is cached").containsOnly(!cached);
      assertThat(prefillsReported).as("the batch's prefill and each group of joiners', reported on the batch's thread")
          .containsExactly(Thread.currentThread(), Thread.currentThread(), Thread.currentThread());
    }
    decoding.prefillJoinersOn(null);
    prefillThread.shutdown();
  }

  @Test
  void aJoinersPrefillFailingOnAnotherThread_failsTheBatch_andDecodingGoesOn() {
    ExecutorService prefillThread = Executors.newSingleThreadExecutor();
    decoding.prefillJoinersOn(prefillThread);
    List<Decoding.BeamRequest> running = List.of(new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 7}, 2, 8, EOS, null));
    Decoding.BeamRequest outOfVocabulary = new Decoding.BeamRequest(new long[] {1, 5, 1_000_000}, 2, 8, EOS, null);
    int[] calls = {0};
    assertThatThrownBy(() -> decoding.beams(running, (i, h) -> { },
        fits -> calls[0]++ == 0 ? List.of(outOfVocabulary) : List.of())).isInstanceOf(RuntimeException.class);
    assertThat(decoding.beams(running)).hasSize(1);
    decoding.prefillJoinersOn(null);
    prefillThread.shutdown();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void joiningCaches_padTheShorterRowsAtThePrefixEnd_soEveryRowKeepsItsOwnLogits() {
    ParameterStore ps = new ParameterStore(manager, false);
    int layers = model.config().numHiddenLayers();
    long[] a = {1, 5, 9, 3, 7};
    long[] b = {1, 6};
    KvCache running = new KvCache(layers);
    model.forward(ps, manager.create(a, new Shape(1, a.length)), running, false);
    KvCache joining = new KvCache(layers);
    model.forward(ps, manager.create(b, new Shape(1, b.length)), joining, false);
    running.join(joining);
    assertThat(running.rows()).isEqualTo(2);
    assertThat(running.length()).isEqualTo(a.length);
    float[] next = model.forward(ps, manager.create(new long[] {4, 4}, new Shape(2, 1)), running, false).get(0)
        .toFloatArray();
    int vocab = model.config().vocabSize();
    float[] aFull = model.forward(ps, manager.create(new long[] {1, 5, 9, 3, 7, 4}, new Shape(1, 6)), null, false)
        .get(0).get(new NDIndex("0, -1, :")).toFloatArray();
    float[] bFull = model.forward(ps, manager.create(new long[] {1, 6, 4}, new Shape(1, 3)), null, false).get(0)
        .get(new NDIndex("0, -1, :")).toFloatArray();
    assertThat(Arrays.copyOfRange(next, 0, vocab)).containsExactly(aFull, within(1e-5f));
    assertThat(Arrays.copyOfRange(next, vocab, 2 * vocab)).containsExactly(bFull, within(1e-5f));

    // the longer row ends: the padding the other needed goes with it
    running.select(manager.create(new long[] {1}));
    assertThat(running.length()).isEqualTo(b.length + 1);
    assertThat(running.leftPad()).isNull();
    float[] after = model.forward(ps, manager.create(new long[] {8}, new Shape(1, 1)), running, false).get(0)
        .toFloatArray();
    float[] bAfter = model.forward(ps, manager.create(new long[] {1, 6, 4, 8}, new Shape(1, 4)), null, false).get(0)
        .get(new NDIndex("0, -1, :")).toFloatArray();
    assertThat(after).containsExactly(bAfter, within(1e-5f));
  }

  static void assertSameSearches(List<List<Decoding.Hypothesis>> expected, List<List<Decoding.Hypothesis>> actual) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      List<Decoding.Hypothesis> before = expected.get(i);
      List<Decoding.Hypothesis> after = actual.get(i);
      assertThat(after).as("request %d", i).hasSameSizeAs(before).isNotEmpty();
      for (int h = 0; h < before.size(); h++) {
        assertThat(after.get(h).tokens()).as("request %d hypothesis %d", i, h).containsExactly(before.get(h).tokens());
        assertThat(after.get(h).score()).isCloseTo(before.get(h).score(), within(1e-4));
      }
    }
  }

  @Test
  void aCachedPromptPrefix_givesTheResultsOfRunningWholePrompts() {
    // prompts that share the cached beginning whole, in part, not at all, and one shorter than it
    long[] header = {1, 5, 9, 3, 7, 2};
    List<long[]> prompts = List.of(new long[] {1, 5, 9, 3, 7, 2, 4, 4, 6}, new long[] {1, 5, 9, 3, 7, 2, 8},
        new long[] {1, 5, 9, 11, 4}, new long[] {1, 5, 9}, new long[] {3, 7, 2, 4});
    List<Decoding.BeamRequest> requests = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      requests.add(new Decoding.BeamRequest(prompts.get(i), 1 + i % 3, 6, EOS, null));
    }
    List<List<Decoding.Hypothesis>> whole = decoding.beams(requests);
    List<List<Decoding.Hypothesis>> wholeShared = decoding.beams(requests.subList(0, 2));
    Decoding.Hypothesis wholeGreedy = decoding.greedy(prompts.get(0), 6, EOS);
    List<long[]> titles = List.of(new long[] {6, EOS}, new long[] {8, 4, EOS}, new long[] {9, 9, 9, EOS});
    double[] wholeLikelihoods = decoding.logLikelihoods(prompts.get(1), titles);

    decoding.cachePrefix(header);
    assertThat(decoding.cachedPrefixLength()).isEqualTo(header.length);
    assertSameSearches(whole, decoding.beams(requests));
    assertSameSearches(wholeShared, decoding.beams(requests.subList(0, 2)));
    Decoding.Hypothesis greedy = decoding.greedy(prompts.get(0), 6, EOS);
    assertThat(greedy.tokens()).containsExactly(wholeGreedy.tokens());
    assertThat(greedy.score()).isCloseTo(wholeGreedy.score(), within(1e-4));
    assertThat(decoding.logLikelihoods(prompts.get(1), titles)).containsExactly(wholeLikelihoods, within(1e-4));
    decoding.cachePrefix(new long[0]);
    assertThat(decoding.cachedPrefixLength()).isZero();
  }

  @Test
  void aForcedRest_isTheOnlyContinuation_upToEosOrTheTokenLimit() {
    TitleTrie trie = TitleTrie.of(List.of(new long[] {5, 6, 7, 8, EOS}, new long[] {5, 6, 9, EOS},
        new long[] {3, 4, EOS}));
    assertThat(trie.forcedRest(new long[0], EOS, 10)).as("5 or 3").isNull();
    assertThat(trie.forcedRest(new long[] {3}, EOS, 10)).containsExactly(4, EOS);
    assertThat(trie.forcedRest(new long[] {5}, EOS, 10)).as("6 only, then 7 or 9").isNull();
    assertThat(trie.forcedRest(new long[] {5, 6, 7}, EOS, 10)).containsExactly(8, EOS);
    assertThat(trie.forcedRest(new long[] {5, 6, 7}, EOS, 1)).as("cut at the token limit").containsExactly(8);
    assertThat(trie.forcedRest(new long[] {5, 6, 7, 8, EOS}, EOS, 10)).as("nothing after eos").isNull();
    assertThat(trie.forcedRest(new long[] {5, 6, 7}, EOS, 0)).isNull();
    // leaving out the row of [5, 6, 9] makes the rest after 5 the other title's
    assertThat(trie.restrict(Set.of(1), null).forcedRest(new long[] {5}, EOS, 10)).containsExactly(6, 7, 8, EOS);
    // a path that ends without eos is a dead end, not a forced rest
    Decoding.Constraint deadEnd = generated -> generated.length < 2 ? new long[] {4} : new long[0];
    assertThat(deadEnd.forcedRest(new long[0], EOS, 10)).isNull();
  }

  @Test
  void forcedRestsScoredInOnePass_giveTheSearchesOfSteppingEveryToken_inFewerSteps() {
    // titles whose rests only one title has after a few tokens, of several lengths
    TitleTrie trie = TitleTrie.of(List.of(new long[] {5, 6, 7, 8, 9, 4, EOS}, new long[] {5, 6, 10, EOS},
        new long[] {11, 12, 13, 14, EOS}, new long[] {11, 15, EOS}, new long[] {3, 7, 7, 7, EOS},
        new long[] {5, 4, EOS}, new long[] {9, EOS}));
    float[] assistant = {0.1f, 0.2f, 0.3f, 0.1f, 0.1f, 0.1f, 0.1f};
    List<Decoding.BeamRequest> requests = List.of(
        new Decoding.BeamRequest(PROMPT, 4, 10, EOS, trie),
        new Decoding.BeamRequest(new long[] {1, 7, 3, 12}, 3, 10, EOS, trie, false, 0),
        new Decoding.BeamRequest(new long[] {1, 9}, 2, 3, EOS, trie), // the token limit cuts rests short
        new Decoding.BeamRequest(new long[] {1, 5, 9, 3, 7, 2, 4}, 1, 10, EOS, trie.restrict(Set.of(2), assistant),
            false, 0.5),
        new Decoding.BeamRequest(new long[] {1, 6}, 3, 8, EOS, null)); // free generation beside them
    List<Decoding.BeamRequest> joining = List.of(new Decoding.BeamRequest(new long[] {1, 5, 11, 4, 4}, 3, 10, EOS, trie),
        new Decoding.BeamRequest(new long[] {1, 8}, 2, 10, EOS, trie));
    int[] steps = {0};
    Decoding.CallObserver counting = new Decoding.CallObserver() {
      @Override
      public void prefilled(long start, long end, int rows, int tokens, int cached) {}

      @Override
      public void stepped(long start, long end, int rows, int positions) {
        steps[0]++;
      }
    };
    for (boolean cached : new boolean[] {false, true}) {
      decoding.cachePrefix(cached ? new long[] {1, 5} : new long[0]);
      List<List<List<Decoding.Hypothesis>>> results = new ArrayList<>();
      int[] stepsTaken = new int[2];
      for (boolean lookahead : new boolean[] {false, true}) {
        decoding.forcedLookahead(lookahead);
        steps[0] = 0;
        List<List<Decoding.Hypothesis>> all = new ArrayList<>();
        for (Decoding.BeamRequest r : requests) {
          all.add(Decoding.observing(counting, () -> decoding.beams(List.of(r))).get(0));
        }
        stepsTaken[lookahead ? 1 : 0] = steps[0];
        all.addAll(decoding.beams(requests));
        int[] asked = {0};
        all.addAll(decoding.beams(requests, (i, h) -> { }, fits -> asked[0]++ == 1 ? joining : List.of()));
        results.add(all);
      }
      assertSameSearches(results.get(0), results.get(1));
      assertThat(stepsTaken[1]).as("steps with the forced rests scored at once").isLessThan(stepsTaken[0]);
    }
    decoding.forcedLookahead(true);
  }

  @Test
  void topK_equalsAFullSort_withTiesInIndexOrder() {
    java.util.Random rnd = new java.util.Random(5);
    for (int trial = 0; trial < 200; trial++) {
      float[] values = new float[1 + rnd.nextInt(300)];
      for (int i = 0; i < values.length; i++) {
        int kind = rnd.nextInt(10);
        values[i] = kind == 0 ? Float.NEGATIVE_INFINITY : kind == 1 ? 0.5f : (float) rnd.nextGaussian();
      }
      int k = rnd.nextInt(25);
      int[] expected = java.util.stream.IntStream.range(0, values.length).boxed()
          .sorted((a, b) -> {
            int c = Float.compare(values[b], values[a]);
            return c != 0 ? c : Integer.compare(a, b);
          }).limit(k).mapToInt(Integer::intValue).toArray();
      assertThat(Decoding.topK(values, k)).as("trial %d", trial).containsExactly(expected);
    }
  }

  @Test
  void beamOfWidthOne_isGreedy() {
    assertThat(decoding.beam(PROMPT, 1, 8, EOS).get(0).tokens()).containsExactly(decoding.greedy(PROMPT, 8, EOS).tokens());
  }

  @Test
  void embed_isTheLastTokensFinalHiddenState() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(reference.resolve("expected.json").toFile());
    float[] e = decoding.embed(new long[] {1, 5, 9, 3, 7, 2});
    float[] hidden = LlamaModelTest.floats(expected.get("hidden"));
    float[] lastRowOfFirstSequence = Arrays.copyOfRange(hidden, 5 * 16, 6 * 16);
    LlamaModelTest.assertClose(e, lastRowOfFirstSequence, 1e-5f);
  }
}
