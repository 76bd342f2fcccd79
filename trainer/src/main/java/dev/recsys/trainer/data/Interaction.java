package dev.recsys.trainer.data;

/**
 * One user-item interaction.
 *
 * @param user      user id (opaque)
 * @param item      item id (must be in the catalogue)
 * @param timestamp seconds since the epoch
 */
public record Interaction(String user, String item, long timestamp) {}
