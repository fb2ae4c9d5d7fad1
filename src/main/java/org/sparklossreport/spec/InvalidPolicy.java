package org.sparklossreport.spec;

import org.sparklossreport.core.UsageException;

/**
 * What the job does with invalid rows: {@code fail} (exit 2 after the pass, naming loss, column, reason,
 * count and an example key), {@code skip} (count them in the report), or {@code quarantine PATH} (skip,
 * and write the invalid rows to PATH with {@code loss} and {@code reason} columns).
 *
 * @param kind the policy
 * @param quarantinePath where invalid rows go under {@code quarantine}, else null
 */
public record InvalidPolicy(Kind kind, String quarantinePath) {
  /** The three policies. */
  public enum Kind { FAIL, SKIP, QUARANTINE }

  public static final InvalidPolicy FAIL = new InvalidPolicy(Kind.FAIL, null);
  public static final InvalidPolicy SKIP = new InvalidPolicy(Kind.SKIP, null);

  /** Parses {@code fail}, {@code skip} or {@code quarantine PATH} ({@code quarantine:PATH} too). */
  public static InvalidPolicy parse(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("fail")) {
      return FAIL;
    }
    if (t.equalsIgnoreCase("skip")) {
      return SKIP;
    }
    String lower = t.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("quarantine")) {
      String path = t.substring("quarantine".length()).replaceFirst("^[\\s:=]+", "").trim();
      if (path.isEmpty()) {
        throw new UsageException("--invalid quarantine needs a path: --invalid 'quarantine /path/to/bad-rows'");
      }
      return new InvalidPolicy(Kind.QUARANTINE, path);
    }
    throw new UsageException("--invalid must be fail, skip or 'quarantine PATH', got '" + text + "'");
  }

  @Override
  public String toString() {
    return kind == Kind.QUARANTINE ? "quarantine " + quarantinePath : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
