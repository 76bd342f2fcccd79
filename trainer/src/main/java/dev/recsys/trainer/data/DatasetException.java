package dev.recsys.trainer.data;

import java.nio.file.Path;

/** Input data is missing or malformed; the message names the file, the line and the problem. */
public class DatasetException extends RuntimeException {
  public DatasetException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public DatasetException(Path file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
  }
}
