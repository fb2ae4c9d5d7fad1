package org.sparklossreport.core;

/** Shortening of messages that come from Spark or the file system, for one {@code error:} line. */
public final class Messages {
  private Messages() {}

  /** The first non-blank line of {@code s}, trimmed ("" for null). */
  public static String firstLine(String s) {
    return s == null ? "" : s.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
  }
}
