package dev.recsys.gateway.stages;

import java.util.List;

/**
 * What the grounding step produced.
 *
 * @param items           ranked items, best first
 * @param snapshotVersion release of the embedding snapshot ("" for the fallback)
 * @param encoder         encoder of the snapshot ("" for the fallback)
 * @param pipeline        the release's serving pipeline that ranked ({@link PopularItems#PIPELINE} for the fallback)
 * @param degradedReason  empty unless a fallback answered
 */
public record Grounded(List<Item> items, String snapshotVersion, String encoder, String pipeline,
    String degradedReason) {
  public record Item(String itemId, String title, double score) {}
}
