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
 * window's late rows so far).
 */
final class WindowReport {
  private WindowReport() {}

  /** The selection of the windows starting at {@code starts} (µs), as SQL. */
  static String condition(Set<Long> starts) {
    return "window_start IN (" + starts.stream().map(s -> "timestamp_micros(" + s + ")")
        .collect(Collectors.joining(", ")) + ")";
  }

  /**
   * Gives {@code use} the report rows of the windows starting at {@code starts} that hold states (valid
   * during the call only); false when none does. {@code held}: what the states hold (this run's pass
   * saves them). The states of the windows {@code freshWindows} are
   * {@code fresh} (just merged, at hand), the others' are read from the windows table. {@code holding}:
   * some of the windows are known to hold states (else a job looks first).
   */
  static boolean write(SparkSession spark, StreamSpec spec, StreamPaths paths, HeldStates held, Set<Long> starts,
      Set<Long> freshWindows, Dataset<Row> fresh, Long watermark, boolean holding, Consumer<Dataset<Row>> use)
      throws IOException {
    Set<Long> others = new TreeSet<>(starts);
    others.removeAll(freshWindows);
    Dataset<Row> selected = fresh;
    if (!others.isEmpty()) {
      Dataset<Row> windows = DeltaCommit.read(spark, paths.windows());
      if (windows != null) {
        Dataset<Row> read = windows.where(condition(others));
        selected = selected == null ? read : selected.unionByName(read);
      }
    }
    if (selected == null || (!holding && selected.isEmpty())) {
      return false;
    }
    CiSpec ci = spec.job().ci() == null ? null
        : CiSpec.of("jackknife", null, String.valueOf(spec.job().ci().level()), null, false);
    Dataset<Row> late = DeltaCommit.read(spark, paths.late());
    new Rollup(spark, new RollupSpec(paths.windows(), null, spec.windowGroupings(), List.of(), paths.windows() + "-report",
        "parquet", WriteMode.ERROR_IF_EXISTS, null, Map.of(), ci, spec.job().compare(), List.of(), null))
        .over(selected, held, (report, keys) -> use.accept(streamRows(report, spec, watermark, late)));
    return true;
  }

  /** A rollup's rows as the stream's: grouping within the window, scope, closed and late rows. */
  private static Dataset<Row> streamRows(Dataset<Row> report, StreamSpec spec, Long watermark, Dataset<Row> late) {
    String prefix = String.join(",", StreamSpec.WINDOW);
    Column grouping = when(col("grouping").equalTo(prefix), lit(ReportRows.OVERALL))
        .otherwise(col("grouping").substr(lit(prefix.length() + 2), lit(10_000)));
    Column closed = watermark == null ? lit(false) : unix_micros(col("window_end")).leq(lit(watermark));
    report = report.withColumn("grouping", grouping)
        .withColumn("scope", lit(spec.job().where()).cast("string"))
        .withColumn("closed", closed);
    if (late == null) {
      return report.withColumn("late_rows", lit(0L));
    }
    Dataset<Row> perWindow = late.groupBy(col("window_start_us")).agg(sum(col("rows")).as("late_rows"));
    return report.join(perWindow, unix_micros(col("window_start")).equalTo(col("window_start_us")), "left")
        .drop("window_start_us").withColumn("late_rows", coalesce(col("late_rows"), lit(0L)));
  }
}
