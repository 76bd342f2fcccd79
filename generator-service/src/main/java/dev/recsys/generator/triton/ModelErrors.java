package dev.recsys.generator.triton;

/**
 * What a caller needs from the error Triton reports for a failed inference. A Python backend
 * (PyTriton, Triton's python_backend) reports a whole traceback, whose only line that says what
 * went wrong is the last one (the exception and its message); the frames above it are the
 * server's internals and easily push that line past the length a status message is cut at.
 */
final class ModelErrors {

  private static final String TRACEBACK = "Traceback (most recent call last):";

  private ModelErrors() {
  }

  /**
   * The error as a caller should read it: for a Python traceback, the exception line first, then
   * where the traceback came from; any other error unchanged.
   */
  static String summary(String description) {
    if (description == null) {
      return "(no message)";
    }
    int traceback = description.indexOf(TRACEBACK);
    if (traceback < 0) {
      return description;
    }
    String[] lines = description.substring(traceback).split("\\R");
    String exception = null;
    for (int i = lines.length - 1; i > 0 && exception == null; i--) {
      String line = lines[i].strip();
      // frames are indented ("File ...", source, "^^^" markers); the exception line is not
      if (!line.isEmpty() && !lines[i].startsWith(" ") && !lines[i].startsWith("\t")) {
        exception = line;
      }
    }
    String before = description.substring(0, traceback).strip();
    if (exception == null) {
      return description;
    }
    return (before.isEmpty() ? "" : before + " ") + exception
        + " (the whole Python traceback is in the model server's log)";
  }
}
