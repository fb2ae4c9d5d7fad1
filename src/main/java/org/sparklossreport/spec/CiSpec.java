package org.sparklossreport.spec;

import java.io.Serializable;
import org.sparklossreport.core.UsageException;

/**
 * {@code --ci jackknife}: intervals per report row from {@code buckets} deterministic buckets of the rows
 * ({@link Buckets}), at two-sided level {@code level}; {@code idColumn} (null: none) is the example id
 * whose hash picks a row's bucket (without it, the hash of the row's input values).
 *
 * @param buckets B, 2..1000 (a rollup takes the buckets the states carry: 0)
 * @param level the two-sided level, in (0, 1)
 * @param idColumn the example id column, or null
 */
public record CiSpec(int buckets, double level, String idColumn) implements Serializable {
  public static final int DEFAULT_BUCKETS = 20;
  public static final double DEFAULT_LEVEL = 0.95;
  public static final int MAX_BUCKETS = 1000;

  /** The column of a row's bucket inside the job (and the {@code bucket} of its saved states). */
  public static final String BUCKET_COLUMN = "__lossreport_bucket";

  /**
   * {@code --ci}, {@code --ci-buckets}, {@code --ci-level} and {@code --id-column} as given (each null when
   * absent): null for no intervals; a usage error naming the option for a bad value or for interval
   * options without {@code --ci jackknife}.
   */
  public static CiSpec of(String method, String buckets, String level, String idColumn, boolean bucketsAllowed) {
    boolean on = method != null && method.equalsIgnoreCase("jackknife");
    if (method != null && !on && !method.equalsIgnoreCase("none")) {
      throw new UsageException("--ci must be jackknife or none, got '" + method + "'");
    }
    if (!on) {
      for (String[] o : new String[][] {{"--ci-buckets", buckets}, {"--ci-level", level}, {"--id-column", idColumn}}) {
        if (o[1] != null) {
          throw new UsageException(o[0] + " sets up confidence intervals: it needs --ci jackknife");
        }
      }
      return null;
    }
    int b = bucketsAllowed ? DEFAULT_BUCKETS : 0;
    if (buckets != null) {
      try {
        b = Integer.parseInt(buckets.trim());
      } catch (NumberFormatException e) {
        b = -1;
      }
      if (b < 2 || b > MAX_BUCKETS) {
        throw new UsageException("--ci-buckets must be a whole number from 2 to " + MAX_BUCKETS + ", got '" + buckets
            + "'");
      }
    }
    double l = DEFAULT_LEVEL;
    if (level != null) {
      try {
        l = Double.parseDouble(level.trim());
      } catch (NumberFormatException e) {
        l = Double.NaN;
      }
      if (!(l > 0 && l < 1)) {
        throw new UsageException("--ci-level must be a number in (0, 1), e.g. 0.95, got '" + level + "'");
      }
    }
    return new CiSpec(b, l, idColumn);
  }
}
