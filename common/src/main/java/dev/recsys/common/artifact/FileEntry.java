package dev.recsys.common.artifact;

/** Size and SHA-256 (lower-case hex) of one file of a release, as recorded in its manifest. */
public record FileEntry(long bytes, String sha256) {}
