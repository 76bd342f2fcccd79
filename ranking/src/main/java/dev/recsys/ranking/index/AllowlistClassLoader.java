package dev.recsys.ranking.index;

import java.util.List;

/**
 * Resolves only the classes an hnswlib index file may contain. hnswlib persists indexes with Java
 * serialization and resolves classes through the loader it is given, so this loader is the
 * allowlist: any other class in the stream fails the load with ClassNotFoundException instead
 * of being instantiated. (The file is also checked against the release manifest's SHA-256
 * before it is read.)
 */
final class AllowlistClassLoader extends ClassLoader {
  private static final List<String> ALLOWED_PREFIXES = List.of(
      "com.github.jelmerk.hnswlib.core.",
      "dev.recsys.ranking.index.",
      "org.eclipse.collections.",
      "java.lang.",
      "java.util.");

  AllowlistClassLoader(ClassLoader parent) {
    super(parent);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    for (String prefix : ALLOWED_PREFIXES) {
      if (name.startsWith(prefix)) {
        return super.loadClass(name, resolve);
      }
    }
    throw new ClassNotFoundException(name + " is not allowed in an index file");
  }
}
