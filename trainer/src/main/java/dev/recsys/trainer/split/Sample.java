package dev.recsys.trainer.split;

import java.util.List;

/**
 * One next-item prediction sample.
 *
 * @param user      user id
 * @param history   up to 10 previous item ids, oldest first
 * @param target    the item that came next
 * @param timestamp the target's timestamp (what the global time split sorts by)
 */
public record Sample(String user, List<String> history, String target, long timestamp) {}
