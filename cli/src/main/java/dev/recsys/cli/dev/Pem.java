package dev.recsys.cli.dev;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM blocks of DER keys, read and written by BouncyCastle's PEM codec; private keys kept owner-only. */
public final class Pem {
  private Pem() {}

  public static String encode(String type, byte[] der) throws IOException {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new PemObject(type, der));
    }
    return out.toString();
  }

  /** Writes a private key's PEM readable by its owner only (where the file system has POSIX permissions). */
  public static void writePrivate(Path file, String pem) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, pem);
  }

  /** The DER content of the file's first PEM block, which must be of {@code type}; otherwise refused naming the file. */
  public static byte[] decode(Path file, String type) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file (expected a PEM " + type.toLowerCase() + ")");
    }
    PemObject block;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PemReader p = new PemReader(r)) {
      block = p.readPemObject();
    } catch (IOException | RuntimeException malformed) {
      throw new IllegalArgumentException(file + ": not a readable PEM " + type.toLowerCase() + " ("
          + malformed.getMessage() + ")");
    }
    if (block == null || !block.getType().equals(type)) {
      throw new IllegalArgumentException(file + ": not a PEM " + type.toLowerCase() + " (expected a '-----BEGIN "
          + type + "-----' block)");
    }
    return block.getContent();
  }
}
