package dev.recsys.trainer.data;

import dev.recsys.llm.Prompts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A catalogue (item id to title, in catalogue order), its interactions, and the words its prompts
 * use (chosen at import: the domain's noun and verb, e.g. movie / watched).
 *
 * <p>Sequence order: a user's interactions are sorted by timestamp, then by item id (numerically
 * when both ids are integers, else as strings). MovieLens saves many ratings in the same second,
 * so this secondary key is what makes "the last item" well defined.
 */
public record Dataset(String name, Map<String, String> titles, List<Interaction> interactions, Prompts prompts) {
  public static final Comparator<String> ITEM_ID_ORDER = (a, b) -> {
    if (isInteger(a) && isInteger(b)) {
      int c = Long.compare(Long.parseLong(a), Long.parseLong(b));
      if (c != 0) {
        return c;
      }
    }
    return a.compareTo(b);
  };

  /** Within a user: by time, then by item id. */
  public static final Comparator<Interaction> SEQUENCE_ORDER = Comparator
      .comparingLong(Interaction::timestamp)
      .thenComparing(Interaction::item, ITEM_ID_ORDER);

  public Dataset {
    titles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(titles));
    interactions = List.copyOf(interactions);
    java.util.Objects.requireNonNull(prompts, "prompts");
  }

  /** A dataset of items of unknown kind ({@link Prompts#items()}). */
  public Dataset(String name, Map<String, String> titles, List<Interaction> interactions) {
    this(name, titles, interactions, Prompts.items());
  }

  public Dataset withPrompts(Prompts p) {
    return new Dataset(name, titles, interactions, p);
  }

  /** Interactions grouped per user (users in first-seen order), each sorted by {@link #SEQUENCE_ORDER}. */
  public Map<String, List<Interaction>> sequences() {
    Map<String, List<Interaction>> byUser = new LinkedHashMap<>();
    for (Interaction i : interactions) {
      byUser.computeIfAbsent(i.user(), u -> new ArrayList<>()).add(i);
    }
    byUser.values().forEach(l -> l.sort(SEQUENCE_ORDER));
    return byUser;
  }

  private static boolean isInteger(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
