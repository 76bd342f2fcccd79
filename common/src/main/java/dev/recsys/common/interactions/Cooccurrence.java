package dev.recsys.common.interactions;

/**
 * How strongly item {@code to} appeared near item {@code from} in users' training sequences: the
 * sum, over the times it did, of a weight that falls with the number of events between them (and is
 * lower when {@code to} came before {@code from}). Positive and finite.
 */
public record Cooccurrence(String from, String to, double weight) {}
