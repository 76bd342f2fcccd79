package dev.recsys.common.interactions;

/** How often item {@code to} directly followed item {@code from} in users' training sequences. */
public record Transition(String from, String to, int count) {}
