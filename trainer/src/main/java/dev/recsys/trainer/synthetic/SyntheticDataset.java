package dev.recsys.trainer.synthetic;

import dev.recsys.trainer.data.Dataset;
import dev.recsys.trainer.data.Interaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A small synthetic catalogue and interaction log, for machines without a real data set. Items
 * belong to genres whose titles share vocabulary (so a sentence encoder places a genre's titles
 * near each other); each user mostly stays in one favourite genre and follows within-genre
 * popularity, so sequences carry a real, learnable signal. Fully determined by the seed.
 */
public final class SyntheticDataset {
  private static final String[][] GENRES = {
      {"Star", "Galaxy", "Orbit", "Nebula", "Rocket", "Planet", "Comet", "Astronaut"},
      {"Love", "Heart", "Kiss", "Wedding", "Romance", "Valentine", "Sweetheart", "Honeymoon"},
      {"Night", "Blood", "Shadow", "Haunting", "Nightmare", "Ghost", "Curse", "Terror"},
      {"Outlaw", "Ranch", "Sheriff", "Saddle", "Frontier", "Gunfighter", "Canyon", "Stagecoach"},
      {"Toy", "Puppy", "Dragon", "Princess", "Kitten", "Wizard", "Fairy", "Pirate"},
      {"Detective", "Murder", "Heist", "Alibi", "Witness", "Conspiracy", "Verdict", "Suspect"},
  };
  private static final String[] NOUNS = {"Story", "Return", "Legend", "Chronicles", "Secret", "Journey", "Affair",
      "Mystery", "Revenge", "Dream", "Quest", "Promise"};

  private SyntheticDataset() {}

  public static Dataset generate(int items, int users, long seed) {
    if (items < GENRES.length * 2 || users < 1) {
      throw new IllegalArgumentException("need at least " + GENRES.length * 2 + " items and 1 user");
    }
    Random rnd = new Random(seed);
    Map<String, String> titles = new LinkedHashMap<>();
    List<List<String>> byGenre = new ArrayList<>();
    for (int g = 0; g < GENRES.length; g++) {
      byGenre.add(new ArrayList<>());
    }
    Set<String> used = new LinkedHashSet<>();
    for (int i = 1; i <= items; i++) {
      int g = (i - 1) % GENRES.length;
      String title;
      do {
        String w = GENRES[g][rnd.nextInt(GENRES[g].length)];
        String n = NOUNS[rnd.nextInt(NOUNS.length)];
        title = (rnd.nextBoolean() ? "The " + w + " " + n : n + " of the " + w) + " (" + (1950 + rnd.nextInt(50)) + ")";
      } while (!used.add(title));
      titles.put(Integer.toString(i), title);
      byGenre.get(g).add(Integer.toString(i));
    }
    List<Interaction> log = new ArrayList<>();
    long t0 = 880_000_000L;
    for (int u = 1; u <= users; u++) {
      int favourite = rnd.nextInt(GENRES.length);
      int length = 20 + rnd.nextInt(41);
      long t = t0 + rnd.nextInt(86_400 * 30);
      Set<String> seen = new LinkedHashSet<>();
      int guard = 0;
      while (seen.size() < length && guard++ < length * 20) {
        int g = rnd.nextDouble() < 0.8 ? favourite : rnd.nextInt(GENRES.length);
        List<String> pool = byGenre.get(g);
        // Zipf-like within-genre popularity: low indexes are popular
        int idx = (int) Math.min(pool.size() - 1, Math.floor(Math.pow(rnd.nextDouble(), 2.5) * pool.size()));
        String item = pool.get(idx);
        if (seen.add(item)) {
          t += 60 + rnd.nextInt(86_400);
          log.add(new Interaction(Integer.toString(u), item, t));
        }
      }
    }
    return new Dataset("synthetic", titles, log, dev.recsys.llm.Prompts.movies());
  }
}
