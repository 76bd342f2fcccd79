package dev.recsys.trainer.split;

import java.util.List;

/** Train, validation and test samples of one protocol ({@code bigrec} or {@code loo}). */
public record Splits(String protocol, List<Sample> train, List<Sample> valid, List<Sample> test) {}
