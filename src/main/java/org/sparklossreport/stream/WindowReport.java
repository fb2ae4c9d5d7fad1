package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.api.Rollup;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.RollupSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.state.HeldStates;

/**
 * The report rows of some windows, from their saved states: the batch job's {@code rollup} over the
 * windows' states with each of the job's groupings within a window, so every rule of the report (columns,
 * canonical names, invalid rows, intervals, comparisons with the baseline's row of the same window) is the
 * batch job's. Its rows are then the stream's: the
 * {@code grouping} without the window columns ({@code overall} for the window alone), the job's
 * {@code scope}, {@code closed} (the watermark has passed the window's end) and {@code late_rows} (the
 * window's late rows so far). A closed window's rows are final: when it gets late rows, they are read back
 * from the report and only their {@code late_rows} change.
 */
final class WindowReport {
  private WindowReport() {}

  /** The selection of the windows starting at {@code starts} (µs), as SQL. */
  static String condition(Set<Long> starts) {
    return "window_start IN (" + starts.stream().map(s -> "timestamp_micros(" + s + ")")
        .collect(Collectors.joining(", ")) + ")";
  }

  /**
   * Gives {@code use} the report rows (valid during the call only) of the windows starting at {@code rolled},
   * which hold states, and of the closed windows {@code late}, which got late rows; false when there are
   * none. The former are rolled up from their states: those of the windows {@code freshWindows} are
   * {@code fresh} (just merged, at hand), the others' read from the windows table; {@code held}: what the
   * states hold (this run's pass saves them). The latter's rows are read back from the report as they are
   * (a closed window's values do not change, and its states are no longer kept), their late rows counted
   * again.
   */
  static boolean write(SparkSession spark, StreamSpec spec, StreamPaths paths, HeldStates held, Set<Long> rolled,
      Set<Long> late, Set<Long> freshWindows, Dataset<Row> fresh, Long watermark, Consumer<Dataset<Row>> use)
      throws IOException {
    Dataset<Row> lateCounts = DeltaCommit.read(spark, paths.late());
    Dataset<Row> report = late.isEmpty() ? null : DeltaCommit.read(spark, spec.job().output());
    Dataset<Row> kept = report == null ? null
        : withLateRows(report.where(condition(late)).drop("late_rows"), lateCounts);
    if (rolled.isEmpty()) {
      if (kept == null) {
        return false;
      }
      use.accept(kept);
      return true;
    }
    Set<Long> others = new TreeSet<>(rolled);
    others.removeAll(freshWindows);
    Dataset<Row> selected = fresh;
    Dataset<Row> windows = others.isEmpty() ? null : DeltaCommit.read(spark, paths.windows());
    if (windows != null) {
      Dataset<Row> read = windows.where(condition(others));
      selected = selected == null ? read : selected.unionByName(read);
    }
    if (selected == null) { // no states (cannot be: a rolled window holds some)
      throw new IllegalStateException("no states of the windows " + rolled + " in " + paths.windows());
    }
    CiSpec ci = spec.job().ci() == null ? null
        : CiSpec.of("jackknife", null, String.valueOf(spec.job().ci().level()), null, false);
    new Rollup(spark, new RollupSpec(paths.windows(), null, spec.windowGroupings(), List.of(), paths.windows() + "-report",
        "parquet", WriteMode.ERROR_IF_EXISTS, null, Map.of(), ci, spec.job().compare(), List.of(), null))
        .over(selected, held, (rows, keys) -> {
          Dataset<Row> made = streamRows(rows, spec, watermark, lateCounts);
          use.accept(kept == null ? made : made.unionByName(kept));
        });
    return true;
  }

  /** A rollup's rows as the stream's: grouping within the window, scope, closed and late rows. */
  private static Dataset<Row> streamRows(Dataset<Row> report, StreamSpec spec, Long watermark, Dataset<Row> late) {
    String prefix = String.join(",", StreamSpec.WINDOW);
    Column grouping = when(col("grouping").equalTo(prefix), lit(ReportRows.OVERALL))
        .otherwise(col("grouping").substr(lit(prefix.length() + 2), lit(10_000)));
    Column closed = watermark == null ? lit(false) : unix_micros(col("window_end")).leq(lit(watermark));
    return withLateRows(report.withColumn("grouping", grouping)
        .withColumn("scope", lit(spec.job().where()).cast("string"))
        .withColumn("closed", closed), late);
  }

  /** {@code rows} with {@code late_rows}: their window's late rows so far ({@code late}: the counts, null: none). */
  private static Dataset<Row> withLateRows(Dataset<Row> rows, Dataset<Row> late) {
    if (late == null) {
      return rows.withColumn("late_rows", lit(0L));
    }
    Dataset<Row> perWindow = late.groupBy(col("window_start_us")).agg(sum(col("rows")).as("late_rows"));
    return rows.join(perWindow, unix_micros(col("window_start")).equalTo(col("window_start_us")), "left")
        .drop("window_start_us").withColumn("late_rows", coalesce(col("late_rows"), lit(0L)));
  }
}
