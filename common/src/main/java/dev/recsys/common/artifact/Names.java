package dev.recsys.common.artifact;

import java.util.regex.Pattern;

/** Rules for tenant, channel and release names: they become path segments, so they are strict. */
public final class Names {
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Names() {}

  public static boolean isValidTenant(String tenant) {
    return tenant != null && TENANT.matcher(tenant).matches();
  }

  public static String requireTenant(String tenant) {
    if (!isValidTenant(tenant)) {
      throw new IllegalArgumentException("tenant '" + tenant
          + "' is invalid: use 1-63 lower-case letters, digits or '-', starting with a letter or digit");
    }
    return tenant;
  }

  /**
   * A file's path inside a release: one or more segments joined by '/', each a valid segment
   * (so no '..', no absolute paths). Returns it unchanged.
   */
  public static String requireRelativePath(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    for (String segment : value.split("/", -1)) {
      requireSegment(what + " segment", segment);
    }
    return value;
  }

  public static String requireSegment(String what, String value) {
    if (value == null || !SEGMENT.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value
          + "' is invalid: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }
}
