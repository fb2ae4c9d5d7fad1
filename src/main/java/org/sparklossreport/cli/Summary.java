package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.api.JobHistory;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.report.RunResult;

/** What a finished run prints: the report's first rows on standard output, failed gates on standard error. */
final class Summary {
  private Summary() {}

  /**
   * What a finished run shows: the summary ({@link #print}), what its history found ({@code history} null:
   * none), the {@code --html} page (null: none) of the report it wrote in {@code outputFormat} from
   * {@code source}, then its {@link #verdict}, returned.
   */
  static int report(SparkSession spark, RunResult result, String html, String outputFormat, String source,
      String gatesOutput, HistorySpec history, PrintStream out, PrintStream err) throws java.io.IOException {
    print(result, out);
    if (history != null) {
      JobHistory.summary(spark, result, outputFormat, history).print(out);
    }
    HtmlOutput.write(spark, html, result, outputFormat, source, out);
    return verdict(result, gatesOutput, err);
  }

  /**
   * The exit code of a finished run: 3 when a gate failed (a {@code gate failed:} line for each on
   * {@code err}), else 0; writes {@code --gates-output} (null: not asked for) either way.
   */
  static int verdict(RunResult result, String gatesOutput, PrintStream err) throws java.io.IOException {
    if (gatesOutput != null) {
      GateEvaluator.writeJson(java.nio.file.Path.of(gatesOutput), result.runId(), result.output(), result.gates());
    }
    for (GateOutcome g : result.gates()) {
      if (!g.passed()) {
        err.println(g.message());
      }
    }
    return result.gateFailed() ? 3 : 0;
  }

  /** The first lines of the report, as a small table. */
  static void print(RunResult r, PrintStream out) {
    if (r.inputRows() < 0) {
      out.printf(java.util.Locale.ROOT, "loss report from saved states: %d merged state(s), %d report row(s) -> %s (run %s)%n", r.keys(),
          r.reportRows(), r.output(), r.runId());
    } else {
      out.printf(java.util.Locale.ROOT, "loss report: %d input row(s), %d key(s), %d report row(s) -> %s (run %s)%n", r.inputRows(),
          r.keys(), r.reportRows(), r.output(), r.runId());
    }
    List<String> names = List.of(r.schema().fieldNames());
    int keyCount = names.indexOf("grouping");
    int lowAt = names.indexOf("ci_low");
    boolean intervals = lowAt >= 0 && r.preview().stream().anyMatch(row -> !row.isNullAt(lowAt));
    int deltaAt = names.indexOf("delta");
    boolean deltas = deltaAt >= 0 && r.preview().stream().anyMatch(row -> !row.isNullAt(deltaAt));
    boolean deltaIntervals = deltas && r.preview().stream().anyMatch(row -> !row.isNullAt(deltaAt + 2));
    out.printf(java.util.Locale.ROOT, "  %-34s %-34s %16s %12s %9s%s%s%n", "key", "loss", "value", "rows", "invalid",
        intervals ? "  interval (ci_low, ci_high)" : "",
        deltas ? "  delta vs baseline" + (deltaIntervals ? " [delta_ci_low, delta_ci_high]" : "") : "");
    for (Row row : r.preview()) {
      String grouping = row.getString(keyCount);
      boolean finest = grouping.equals(String.join(",", names.subList(0, keyCount)));
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < keyCount; i++) {
        if (finest) {
          key.append(i == 0 ? "" : ",").append(row.get(i));
        } else if (List.of(grouping.split(",")).contains(names.get(i))) { // a coarser grouping: name its keys
          key.append(key.length() == 0 ? "" : ",").append(names.get(i)).append('=').append(row.get(i));
        }
      }
      String k = grouping.equals(ReportRows.OVERALL) ? "(overall)" : key.toString();
      Object v = row.get(keyCount + 2);
      String interval = !intervals ? "" : row.isNullAt(lowAt) ? "  null"
          : String.format(java.util.Locale.ROOT, "  [%.6g, %.6g]", row.getDouble(lowAt), row.getDouble(lowAt + 1));
      String delta = !deltas ? "" : row.isNullAt(deltaAt) ? "  -"
          : String.format(java.util.Locale.ROOT, "  %+.6g", row.getDouble(deltaAt)) + (row.isNullAt(deltaAt + 2) ? ""
              : String.format(java.util.Locale.ROOT, " [%.6g, %.6g]", row.getDouble(deltaAt + 2), row.getDouble(deltaAt + 3)));
      out.printf(java.util.Locale.ROOT, "  %-34s %-34s %16s %12d %9d%s%s%n", clip(k), clip(row.getString(keyCount + 1)),
          v == null ? "null" : String.format(java.util.Locale.ROOT, "%.10g", (Double) v), row.getLong(keyCount + 3),
          row.getLong(keyCount + 4), interval, delta);
    }
    if (r.reportRows() > r.preview().size()) {
      out.printf(java.util.Locale.ROOT, "  ... %d more row(s) in the report%n", r.reportRows() - r.preview().size());
    }
  }

  private static String clip(String s) {
    return s.length() <= 34 ? s : s.substring(0, 31) + "...";
  }
}
