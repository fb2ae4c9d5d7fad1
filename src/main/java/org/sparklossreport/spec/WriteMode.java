package org.sparklossreport.spec;

import java.util.Locale;
import org.sparklossreport.core.UsageException;

/** How the report meets an earlier report at the output path. */
public enum WriteMode {
  /** Replace the rows of the groupings and keys this run writes; keep every other key's rows. */
  OVERWRITE,
  /** Add this run's rows to the earlier report. */
  APPEND,
  /** Refuse, before reading any input, when the output path already holds data. */
  ERROR_IF_EXISTS;

  public static WriteMode parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "overwrite" -> OVERWRITE;
      case "append" -> APPEND;
      case "error-if-exists", "error_if_exists", "errorifexists" -> ERROR_IF_EXISTS;
      default -> throw new UsageException(
          "--mode must be overwrite, append or error-if-exists, got '" + text + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
