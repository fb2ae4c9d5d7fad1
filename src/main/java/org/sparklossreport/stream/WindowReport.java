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
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.api.Rollup;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.RollupSpec;
import org.sparklossreport.spec.WriteMode;

/**
 * The report rows of some windows, from their saved states: the batch job's {@code rollup} over the
 * windows' states with each of the job's groupings within a window, so every rule of the report (columns,
 * canonical names, invalid rows, intervals) is the batch job's. Its rows are then the stream's: the
 * {@code grouping} without the window columns ({@code overall} for the window alone), the job's
 * {@code scope}, {@code closed} (the watermark has passed the window's end) and {@code late_rows} (the
 * window's late rows so far).
 */
final class WindowReport {
  private final Dataset<Row> rows;

  private WindowReport(Dataset<Row> rows) {
    this.rows = rows;
  }

  Dataset<Row> rows() {
    return rows;
  }

  /** The selection of the windows starting at {@code starts} (µs), as SQL. */
  static String condition(Set<Long> starts) {
    return "window_start IN (" + starts.stream().map(s -> "timestamp_micros(" + s + ")")
        .collect(Collectors.joining(", ")) + ")";
  }

  /** The report rows of the windows starting at {@code starts} that hold states (null: none does). */
  static WindowReport of(SparkSession spark, StreamSpec spec, StreamPaths paths, Set<Long> starts, Long watermark)
      throws IOException {
    Dataset<Row> windows = DeltaCommit.read(spark, paths.windows());
    if (starts.isEmpty() || windows == null || windows.where(condition(starts)).isEmpty()) {
      return null;
    }
    Path staging = new Path(paths.staging());
    staging.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(staging, true);
    CiSpec ci = spec.job().ci() == null ? null
        : CiSpec.of("jackknife", null, String.valueOf(spec.job().ci().level()), null, false);
    new Rollup(spark, new RollupSpec(paths.windows(), condition(starts), spec.windowGroupings(), List.of(),
        paths.staging(), "parquet", WriteMode.ERROR_IF_EXISTS, null, Map.of(), ci, null, List.of(), null)).run();
    Dataset<Row> report = spark.read().parquet(paths.staging());
    String prefix = String.join(",", StreamSpec.WINDOW);
    Column grouping = when(col("grouping").equalTo(prefix), lit(ReportRows.OVERALL))
        .otherwise(col("grouping").substr(lit(prefix.length() + 2), lit(10_000)));
    Dataset<Row> late = DeltaCommit.read(spark, paths.late());
    Column closed = watermark == null ? lit(false) : unix_micros(col("window_end")).leq(lit(watermark));
    report = report.withColumn("grouping", grouping)
        .withColumn("scope", lit(spec.job().where()).cast("string"))
        .withColumn("closed", closed);
    if (late == null) {
      report = report.withColumn("late_rows", lit(0L));
    } else {
      Dataset<Row> perWindow = late.groupBy(col("window_start_us")).agg(sum(col("rows")).as("late_rows"));
      report = report.join(perWindow, unix_micros(col("window_start")).equalTo(col("window_start_us")), "left")
          .drop("window_start_us").withColumn("late_rows", coalesce(col("late_rows"), lit(0L)));
    }
    return new WindowReport(report);
  }
}
