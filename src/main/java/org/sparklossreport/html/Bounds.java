package org.sparklossreport.html;

/**
 * How much of a report the HTML embeds, so that a big report still gives a file that opens quickly; what
 * is left out is counted and said on the page, never dropped silently.
 *
 * @param topBottom per loss, the keys with the highest and the lowest values charted (each)
 * @param deltaRows per loss, the comparison rows charted, regressions first
 * @param trendSeries per loss, the series (other key values) of the trend chart
 * @param trendDates per loss, the latest dates of the trend chart
 * @param tableRows the rows of the report table
 */
public record Bounds(int topBottom, int deltaRows, int trendSeries, int trendDates, int tableRows) {

  /** The bounds of {@code docs/REPORT.md}. */
  public static final Bounds DEFAULT = new Bounds(25, 50, 20, 100, 5_000);

  public Bounds {
    if (topBottom < 1 || deltaRows < 1 || trendSeries < 1 || trendDates < 2 || tableRows < 1) {
      throw new IllegalArgumentException("bounds must be positive (trendDates at least 2)");
    }
  }
}
