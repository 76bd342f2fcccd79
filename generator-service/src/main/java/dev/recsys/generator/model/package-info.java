/**
 * The generator's per-release state (base model, adapter, title trie, baseline) and its loading
 * from a release.
 */
package dev.recsys.generator.model;
