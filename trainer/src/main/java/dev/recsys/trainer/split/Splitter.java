package dev.recsys.trainer.split;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.Interaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The two evaluation protocols of the method notes.
 *
 * <p><b>bigrec</b> (BIGRec's): per user, a sample for every position i >= 1 whose history is the
 * up-to-10 previous items (so positions i >= 10 get full windows; users with short histories give
 * shorter ones); all samples sorted by the target's timestamp (ties: user, then position) and cut
 * 80/10/10 into train/valid/test: a global time split.
 *
 * <p><b>loo</b> (leave-one-out): per user, the last item is the test target, the second-last the
 * validation target, every earlier position a training sample; users with fewer than 3
 * interactions only train.
 */
public final class Splitter {
  public static final int WINDOW = 10;

  private Splitter() {}

  public static Splits bigrec(Dataset d) {
    return bigrec(d, TieOrder.ITEM_ID, 0);
  }

  /** How training samples order interactions that share a timestamp. */
  public enum TieOrder {
    /** the dataset's sequence order (time, then item id), as validation and test always use */
    ITEM_ID,
    /** a seeded random order inside each run of equal timestamps, in training samples only */
    SHUFFLED
  }

  /**
   * The BIGRec split; with {@link TieOrder#SHUFFLED} the training samples are built from
   * sequences whose ties are shuffled (seeded), while validation and test keep the dataset's
   * order, so that test numbers stay comparable. A position's timestamp does not depend on the
   * tie order, so the time cut selects the same positions either way.
   */
  public static Splits bigrec(Dataset d, TieOrder trainTies, long seed) {
    record Positioned(Sample sample, Sample trainSample, int position) {}
    Random rnd = new Random(seed);
    List<Positioned> all = new ArrayList<>();
    for (Map.Entry<String, List<Interaction>> e : d.sequences().entrySet()) {
      List<Interaction> seq = e.getValue();
      List<Interaction> trainSeq = trainTies == TieOrder.SHUFFLED ? shuffleTies(seq, rnd) : seq;
      for (int i = 1; i < seq.size(); i++) {
        Sample s = sample(e.getKey(), seq, i);
        all.add(new Positioned(s, trainSeq == seq ? s : sample(e.getKey(), trainSeq, i), i));
      }
    }
    all.sort(Comparator.comparingLong((Positioned p) -> p.sample().timestamp())
        .thenComparing(p -> p.sample().user())
        .thenComparingInt(Positioned::position));
    int n = all.size();
    int trainEnd = (int) Math.floor(n * 0.8);
    int validEnd = (int) Math.floor(n * 0.9);
    List<Sample> train = all.subList(0, trainEnd).stream().map(Positioned::trainSample).toList();
    List<Sample> samples = all.stream().map(Positioned::sample).toList();
    return new Splits("bigrec", train, samples.subList(trainEnd, validEnd), samples.subList(validEnd, n));
  }

  public static Splits leaveOneOut(Dataset d) {
    List<Sample> train = new ArrayList<>();
    List<Sample> valid = new ArrayList<>();
    List<Sample> test = new ArrayList<>();
    for (Map.Entry<String, List<Interaction>> e : d.sequences().entrySet()) {
      List<Interaction> seq = e.getValue();
      int n = seq.size();
      if (n < 3) {
        for (int i = 1; i < n; i++) {
          train.add(sample(e.getKey(), seq, i));
        }
        continue;
      }
      for (int i = 1; i < n - 2; i++) {
        train.add(sample(e.getKey(), seq, i));
      }
      valid.add(sample(e.getKey(), seq, n - 2));
      test.add(sample(e.getKey(), seq, n - 1));
    }
    return new Splits("loo", train, valid, test);
  }

  private static Sample sample(String user, List<Interaction> seq, int i) {
    List<String> history = seq.subList(Math.max(0, i - WINDOW), i).stream().map(Interaction::item).toList();
    Long previous = i > 0 ? seq.get(i - 1).timestamp() : null;
    return new Sample(user, history, seq.get(i).item(), seq.get(i).timestamp(), previous);
  }

  /**
   * The user's sequence with every run of equal timestamps in a seeded random order instead of
   * the dataset's tie-break (item id): the true order inside such a run is unknown.
   */
  static List<Interaction> shuffleTies(List<Interaction> seq, Random rnd) {
    List<Interaction> out = new ArrayList<>(seq);
    int start = 0;
    for (int i = 1; i <= out.size(); i++) {
      if (i == out.size() || out.get(i).timestamp() != out.get(start).timestamp()) {
        if (i - start > 1) {
          Collections.shuffle(out.subList(start, i), rnd);
        }
        start = i;
      }
    }
    return out;
  }
}
