package dev.recsys.bench;

import dev.recsys.common.catalog.Catalogue;
import dev.recsys.common.catalog.Item;
import dev.recsys.common.embedding.EmbeddingMatrix;
import dev.recsys.common.embedding.SnapshotFile;
import dev.recsys.ranking.encoder.MiniLmEncoder;
import dev.recsys.e2e.Releases;
import dev.recsys.ranking.index.ExactItemIndex;
import dev.recsys.ranking.index.HnswItemIndex;
import dev.recsys.ranking.index.Neighbour;
import dev.recsys.ranking.grounding.Grounder;
import dev.recsys.ranking.pipeline.ServingPipeline;
import dev.recsys.ranking.signal.PopularitySignal;
import dev.recsys.ranking.snapshot.GroundingSnapshot;
import dev.recsys.trainer.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Grounding at catalogue scale: a catalogue of N titles (default 100,000) embedded with the real
 * MiniLM encoder, an HNSW index over it, and generated-like query texts. Prints build time,
 * recall@10 of HNSW against exact search, and latency percentiles of ANN search and of whole
 * grounding requests (encode + search + BIGRec re-scoring).
 *
 * <p>Titles: MovieLens-100K has only 1,682 titles, so N titles are composed from the words of
 * real titles (first half of one, second half of another, a year), which gives real,
 * non-uniform encoder embeddings. Without ml-100k the trainer's synthetic titles are recombined
 * the same way. Embeddings are cached under {@code target/bench/}.
 *
 * <p>Usage: {@code scripts/bench.sh grounding [items] [queries]}.
 */
public final class GroundingBench {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Path ml = Releases.ml100k();
    Dataset source = ml != null ? Releases.movieLens(ml) : Releases.synthetic();
    List<String> base = new ArrayList<>(source.titles().values());
    MiniLmEncoder encoder = new MiniLmEncoder();

    List<String> titles = composeTitles(base, n, 42);
    Path cache = Path.of("target/bench/" + source.name() + "-" + n + ".emb");
    EmbeddingMatrix m;
    if (Files.isRegularFile(cache)) {
      m = SnapshotFile.read(cache);
      System.out.println("embeddings: read " + cache);
    } else {
      long t0 = System.nanoTime();
      m = encodeAll(encoder, titles);
      Files.createDirectories(cache.getParent());
      SnapshotFile.write(m, cache);
      System.out.printf(Locale.ROOT, "embeddings: encoded %d titles in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    long t0 = System.nanoTime();
    HnswItemIndex hnsw = HnswItemIndex.build(m, HnswItemIndex.Params.defaults());
    double buildS = (System.nanoTime() - t0) / 1e9;
    Path indexFile = Path.of("target/bench/index-" + n + ".hnsw");
    t0 = System.nanoTime();
    hnsw.save(indexFile);
    double saveS = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    HnswItemIndex.load(indexFile, m, HnswItemIndex.Params.defaults().ef());
    double loadS = (System.nanoTime() - t0) / 1e9;
    ExactItemIndex exact = new ExactItemIndex(m);

    // generated-like texts: real titles with a word dropped or the year changed
    Random rnd = new Random(7);
    List<String> texts = IntStream.range(0, queries).mapToObj(i -> perturb(base.get(rnd.nextInt(base.size())), rnd)).toList();
    float[][] q = encoder.encode(texts);

    int hits = 0;
    long[] ann = new long[queries];
    long[] exactNs = new long[queries];
    for (int warm = 0; warm < 2; warm++) {
      for (int i = 0; i < queries; i++) {
        long s = System.nanoTime();
        List<Neighbour> a = hnsw.nearest(q[i], 100);
        ann[i] = System.nanoTime() - s;
        if (warm == 1) {
          s = System.nanoTime();
          Set<Integer> truth = new HashSet<>(exact.nearest(q[i], 10).stream().map(Neighbour::row).toList());
          exactNs[i] = System.nanoTime() - s;
          for (Neighbour nb : a.subList(0, 10)) {
            hits += truth.contains(nb.row()) ? 1 : 0;
          }
        }
      }
    }

    List<Item> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(new Item(Integer.toString(i), titles.get(i), rnd.nextDouble()));
    }
    Catalogue catalogue = new Catalogue(items);
    ServingPipeline.Grounding params = new ServingPipeline.Grounding(100, 0, PopularitySignal.NAME, 1.0);
    GroundingSnapshot snapshot = new GroundingSnapshot(catalogue, m, hnsw, encoder,
        List.of(new PopularitySignal(catalogue)), new ServingPipeline(ServingPipeline.Kind.BIGREC,
            new ServingPipeline.Generation(4, 4, false, true, 0), params), List.of());
    Grounder grounder = new Grounder();
    long[] ground = new long[queries / 2];
    for (int warm = 0; warm < 2; warm++) {
      for (int i = 0; i < ground.length; i++) {
        List<String> four = texts.subList((i * 4) % (queries - 4), (i * 4) % (queries - 4) + 4);
        Set<Integer> exclude = Set.of(rnd.nextInt(n), rnd.nextInt(n), rnd.nextInt(n));
        long s = System.nanoTime();
        grounder.ground(snapshot, new Grounder.Request(four, new int[0], exclude, 10, params));
        ground[i] = System.nanoTime() - s;
      }
    }

    System.out.printf(Locale.ROOT, "%nGrounding bench: %d items x %d-d (%s), %d queries, %d cores, JDK %s%n", n,
        m.dimension(), encoder.id(), queries, Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.printf(Locale.ROOT, "HNSW build (M=16, efConstruction=200): %.1f s; recall@10 vs exact (ef=100): %.4f%n",
        buildS, hits / (10.0 * queries));
    System.out.printf(Locale.ROOT, "saved index: %.0f MB written in %.1f s; load + check against the snapshot: %.1f s%n%n",
        Files.size(indexFile) / 1e6, saveS, loadS);
    System.out.println(Stats.header());
    System.out.println(new Stats(ann).row("HNSW search, top-100"));
    System.out.println(new Stats(exactNs).row("exact search, top-10 (brute force)"));
    System.out.println(new Stats(ground).row("ground(): encode 4 texts + search + re-score"));
  }

  static List<String> composeTitles(List<String> base, int n, long seed) {
    Random rnd = new Random(seed);
    Set<String> out = new java.util.LinkedHashSet<>(base);
    while (out.size() < n) {
      String[] a = stripYear(base.get(rnd.nextInt(base.size()))).split(" ");
      String[] b = stripYear(base.get(rnd.nextInt(base.size()))).split(" ");
      int ca = Math.max(1, a.length / 2);
      int cb = b.length / 2;
      String t = String.join(" ", java.util.Arrays.copyOfRange(a, 0, ca)) + " "
          + String.join(" ", java.util.Arrays.copyOfRange(b, cb, b.length)) + " (" + (1920 + rnd.nextInt(80)) + ")";
      out.add(t.trim().replaceAll(" +", " "));
    }
    return new ArrayList<>(out).subList(0, n);
  }

  static String stripYear(String t) {
    return t.replaceAll("\\s*\\(\\d{4}\\)\\s*$", "");
  }

  static String perturb(String title, Random rnd) {
    String[] w = stripYear(title).split(" ");
    if (w.length > 2 && rnd.nextBoolean()) {
      int drop = rnd.nextInt(w.length);
      List<String> kept = new ArrayList<>(List.of(w));
      kept.remove(drop);
      return String.join(" ", kept);
    }
    return stripYear(title) + " (" + (1930 + rnd.nextInt(70)) + ")";
  }

  static EmbeddingMatrix encodeAll(MiniLmEncoder encoder, List<String> titles) {
    int batch = 64;
    float[][] rows = new float[titles.size()][];
    IntStream.range(0, (titles.size() + batch - 1) / batch).parallel().forEach(b -> {
      int s = b * batch;
      int e = Math.min(titles.size(), s + batch);
      float[][] v = encoder.encode(titles.subList(s, e));
      System.arraycopy(v, 0, rows, s, v.length);
    });
    return EmbeddingMatrix.of(encoder.id(), rows);
  }
}
