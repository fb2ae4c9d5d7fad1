package org.sparklossreport.history;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What a history found, for the command's summary and the HTML page: rows banded, anomalies, rows with
 * too short a history (fewer than {@code --history-min} earlier values: null band, no anomaly), and the
 * anomalies worst first (largest |z|). Two small Spark jobs over the banded rows.
 *
 * @param column the history column
 * @param banded rows with a band
 * @param anomalies rows outside their band
 * @param tooShort rows of the history column with fewer than {@code min} earlier values
 * @param min {@code --history-min}
 * @param worst the first {@link #LISTED} anomalies, largest |z| first
 */
public record HistorySummary(String column, long banded, long anomalies, long tooShort, int min, List<Anomaly> worst) {
  /** Anomalies listed. */
  public static final int LISTED = 20;

  /** One anomalous row: its keys ({@code date=2026-11-24,model=a}), loss, value, band and z. */
  public record Anomaly(String grouping, String keys, String loss, Double value, Double expected, Double low,
      Double high, Double z) {}

  public HistorySummary {
    worst = List.copyOf(worst);
  }

  /** The summary of {@code banded} (report rows with the history columns; key columns {@code keys}). */
  public static HistorySummary of(Dataset<Row> banded, List<String> keys, HistorySpec spec) {
    Row counts = banded.agg(
        functions.count(functions.when(functions.col(HistoryColumns.EXPECTED).isNotNull(), 1)),
        functions.count(functions.when(functions.col(HistoryColumns.ANOMALY), 1)),
        functions.count(functions.when(functions.col(HistoryColumns.HISTORY_N).isNotNull()
            .and(functions.col(HistoryColumns.HISTORY_N).lt(spec.min())), 1))).first();
    List<Anomaly> worst = new ArrayList<>();
    for (Row r : banded.where(functions.col(HistoryColumns.ANOMALY))
        .orderBy(functions.abs(functions.col(HistoryColumns.Z)).desc_nulls_last()).limit(LISTED).collectAsList()) {
      StringBuilder k = new StringBuilder();
      for (String key : keys) {
        Object v = r.get(r.fieldIndex(key));
        if (v != null) {
          k.append(k.length() == 0 ? "" : ",").append(key).append('=').append(v);
        }
      }
      worst.add(new Anomaly(r.getAs("grouping"), k.toString(), r.getAs("loss"), r.getAs("value"),
          r.getAs(HistoryColumns.EXPECTED), r.getAs(HistoryColumns.BAND_LOW), r.getAs(HistoryColumns.BAND_HIGH),
          r.getAs(HistoryColumns.Z)));
    }
    return new HistorySummary(spec.column(), counts.getLong(0), counts.getLong(1), counts.getLong(2), spec.min(), worst);
  }

  /** The summary as the command prints it: a line of counts, then the anomalies, worst first. */
  public void print(PrintStream out) {
    out.printf(Locale.ROOT, "history by %s: %d row(s) banded, %d anomal%s, %d row(s) with fewer than %d earlier"
        + " value(s) (no band)%n", column, banded, anomalies, anomalies == 1 ? "y" : "ies", tooShort, min);
    if (worst.isEmpty()) {
      return;
    }
    out.printf(Locale.ROOT, "  %-40s %-24s %14s %14s  %-31s %9s%n", "anomaly (worst first)", "loss", "value",
        "expected", "band", "z");
    for (Anomaly a : worst) {
      out.printf(Locale.ROOT, "  %-40s %-24s %14s %14s  %-31s %9s%n", clip(a.keys(), 40), clip(a.loss(), 24),
          num(a.value()), num(a.expected()), "[" + num(a.low()) + ", " + num(a.high()) + "]",
          a.z() == null ? "null" : String.format(Locale.ROOT, "%+.2f", a.z()));
    }
    if (anomalies > worst.size()) {
      out.printf(Locale.ROOT, "  ... %d more anomal%s%n", anomalies - worst.size(), anomalies - worst.size() == 1 ? "y" : "ies");
    }
  }

  private static String num(Double x) {
    return x == null ? "null" : String.format(Locale.ROOT, "%.6g", x);
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 3) + "...";
  }
}
