package dev.recsys.trainer.split;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.Interaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
    record Positioned(Sample sample, int position) {}
    List<Positioned> all = new ArrayList<>();
    for (Map.Entry<String, List<Interaction>> e : d.sequences().entrySet()) {
      List<Interaction> seq = e.getValue();
      for (int i = 1; i < seq.size(); i++) {
        all.add(new Positioned(sample(e.getKey(), seq, i), i));
      }
    }
    all.sort(Comparator.comparingLong((Positioned p) -> p.sample().timestamp())
        .thenComparing(p -> p.sample().user())
        .thenComparingInt(Positioned::position));
    int n = all.size();
    int trainEnd = (int) Math.floor(n * 0.8);
    int validEnd = (int) Math.floor(n * 0.9);
    List<Sample> samples = all.stream().map(Positioned::sample).toList();
    return new Splits("bigrec", samples.subList(0, trainEnd), samples.subList(trainEnd, validEnd),
        samples.subList(validEnd, n));
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
    return new Sample(user, history, seq.get(i).item(), seq.get(i).timestamp());
  }
}
