package dev.recsys.common.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest of one release: written last, after every file it lists, and read first.
 *
 * @param formatVersion manifest format; loaders refuse versions they do not know
 * @param tenant        tenant the release belongs to
 * @param release       release id (also the release's directory name)
 * @param createdAt     ISO-8601 instant
 * @param producer      what made it (e.g. "trainer publish 0.1.0")
 * @param encoder       encoder id that made the embedding snapshot; texts must be embedded with it
 * @param dimension     embedding dimension
 * @param itemCount     number of catalogue items = snapshot rows
 * @param dataset       name and content hash of the dataset the release was built from
 * @param params        serving parameters and metrics of this release ({@link ReleaseParams}, and the
 *                      serving pipeline's {@code pipeline.*})
 * @param files         every file of the release with its size and SHA-256
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseManifest(
    int formatVersion,
    String tenant,
    String release,
    String createdAt,
    String producer,
    String encoder,
    int dimension,
    int itemCount,
    Map<String, String> dataset,
    Map<String, String> params,
    Map<String, FileEntry> files) {

  public static final int FORMAT_VERSION = 1;

  public ReleaseManifest {
    dataset = dataset == null ? Map.of() : new TreeMap<>(dataset);
    params = params == null ? Map.of() : new TreeMap<>(params);
    files = files == null ? Map.of() : new TreeMap<>(files);
  }
}
