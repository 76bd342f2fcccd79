package dev.recsys.common.artifact;

import java.nio.file.Path;

/** An artifact is missing, corrupt or inconsistent. The message names the file and the problem. */
public class ArtifactException extends RuntimeException {
  public ArtifactException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public ArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
