package dev.recsys.common.artifact;

import java.nio.file.Path;

/**
 * One release as its files lie in its folder: the name of every file a release may hold, where
 * each is, what the release contains, and its typed parameters. The trainer's builder writes by
 * these names; the services' loaders, the publish gate and the Triton repository read by them. A
 * trainer run folder uses the same names for what it shares with a release ({@link #BASE},
 * {@link #ADAPTER}, {@link #SASREC}).
 *
 * <pre>
 * manifest.json, manifest.sig           what the release is (files, checksums, parameters); its signature
 * catalogue.tsv                          the items: id, title, popularity
 * transitions.tsv, cooccurrence.tsv      item-to-item counts of the training split's events
 * embeddings.bin, index.hnsw             the catalogue embedded by the sentence encoder, and its HNSW index
 * base/, adapter/                        the LLM: a Hugging Face checkpoint and its PEFT LoRA adapter
 * llm-embeddings.bin, llm-index.hnsw     the catalogue embedded by the base model (BIGRec's grounding space)
 * llm-title-prior.tsv                    the fine-tuned LLM's log-probability of each title without a history
 * sasrec.safetensors                     the sequential recommender
 * </pre>
 *
 * @param dir      the release's folder
 * @param manifest its verified manifest
 */
public record ReleaseLayout(Path dir, ReleaseManifest manifest) {
  public static final String MANIFEST = "manifest.json";
  public static final String SIGNATURE = "manifest.sig";
  public static final String CATALOGUE = "catalogue.tsv";
  public static final String TRANSITIONS = "transitions.tsv";
  public static final String COOCCURRENCE = "cooccurrence.tsv";
  public static final String EMBEDDINGS = "embeddings.bin";
  public static final String INDEX = "index.hnsw";
  /** The base model's Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json). */
  public static final String BASE = "base";
  /** The PEFT adapter folder (adapter_config.json, adapter_model.safetensors). */
  public static final String ADAPTER = "adapter";
  public static final String ADAPTER_CONFIG = ADAPTER + "/adapter_config.json";
  public static final String LLM_EMBEDDINGS = "llm-embeddings.bin";
  public static final String LLM_INDEX = "llm-index.hnsw";
  /** Each title's log-probability under the fine-tuned LLM after a prompt with no history (ranked candidates' prior). */
  public static final String LLM_TITLE_PRIOR = "llm-title-prior.tsv";
  public static final String SASREC = "sasrec.safetensors";

  /** Where a file of the release lies (it may be absent: see {@link #contains}). */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Whether the manifest lists the file (and so its checksum was verified). */
  public boolean contains(String name) {
    return manifest.files().containsKey(name);
  }

  /**
   * Whether the release carries a fine-tuned LLM, by its adapter's config: both services decide by
   * this (grounding then requires the catalogue embedded by the base, {@link #LLM_EMBEDDINGS}).
   */
  public boolean hasLlm() {
    return contains(ADAPTER_CONFIG);
  }

  /** Whether the release carries a sequential recommender. */
  public boolean hasSequentialModel() {
    return contains(SASREC);
  }

  /**
   * The typed parameters.
   *
   * @throws ArtifactException naming the manifest and the parameter when one is malformed
   */
  public ReleaseParams params() {
    try {
      return ReleaseParams.of(manifest.params());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file(MANIFEST), e.getMessage());
    }
  }

  /**
   * Refuses a release that lacks a file it must hold.
   *
   * @param why what needs it, e.g. "the release carries an LLM"
   */
  public Path require(String name, String why) {
    if (!contains(name)) {
      throw new ArtifactException(file(name), "missing, but " + why);
    }
    return file(name);
  }
}
