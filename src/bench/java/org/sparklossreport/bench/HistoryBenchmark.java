package org.sparklossreport.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.sparklossreport.history.HistoryColumns;
import org.sparklossreport.report.ReportRows;

/**
 * {@code submit/loss-benchmark --history}: what {@code --history-by date} costs a nightly run. A report of
 * {@code --history-nights} nights × {@code --history-keys} keys (grouping {@code date,key}, loss mse, written
 * as a run with history writes it: every earlier night judged) and one more night of predictions (10 rows a
 * key); each round copies the report afresh and runs the nightly job on it, once alone and once with
 * {@code --history-by date}, one fresh JVM each (under {@code /usr/bin/time -v}: wall time and peak
 * resident memory). Prints medians and a {@code RESULT history} line; see docs/PERFORMANCE.md.
 */
final class HistoryBenchmark {
  private HistoryBenchmark() {}

  static final LocalDate FIRST = LocalDate.of(2026, 1, 1);
  static final int ROWS_PER_KEY = 10;

  static void history(int keys, int nights, int repeat, File directory) throws Exception {
    File dir = new File(directory.getAbsoluteFile(), "history-" + keys + "x" + nights);
    File report = new File(dir, "report-base");
    File night = new File(dir, "night");
    if (!new File(report, "_SUCCESS").exists() || !new File(night, "_SUCCESS").exists()) {
      SparkSession spark = HandJob.session("local[*]");
      try {
        System.out.printf("generating a report of %d nights x %d keys and a night of %d rows in %s%n", nights, keys,
            (long) keys * ROWS_PER_KEY, dir);
        generate(spark, keys, nights, report.getPath(), night.getPath());
      } finally {
        spark.stop();
      }
    }
    run(ColdBenchmark.Launcher.fromSystemProperties(), dir, report, night, keys, nights, repeat, System.out);
  }

  /** The earlier report (ReportRows' columns and the history's) and the next night's predictions. */
  static void generate(SparkSession spark, int keys, int nights, String report, String night) {
    List<StructField> keyFields = List.of(DataTypes.createStructField("date", DataTypes.DateType, true),
        DataTypes.createStructField("key", DataTypes.StringType, true));
    Dataset<Row> base = spark.range((long) keys * nights)
        .withColumn("date", date_add(lit(java.sql.Date.valueOf(FIRST)), col("id").mod(nights).cast("int")))
        .withColumn("key", concat(lit("k"), col("id").divide(nights).cast("long").cast("string")))
        .withColumn("grouping", lit("date,key")).withColumn("loss", lit("mse"))
        .withColumn("value", lit(0.25).plus(randn(1).multiply(0.11))) // ≈ the mse of 10 rows at sd 0.5.withColumn("rows", lit((long) ROWS_PER_KEY))
        .withColumn("invalid_rows", lit(0L)).withColumn("weight_sum", lit((double) ROWS_PER_KEY))
        .withColumn("run_id", lit("bench")).withColumn("computed_at", lit(java.sql.Timestamp.valueOf("2026-01-01 00:00:00")))
        .withColumn(HistoryColumns.ANOMALY, lit(false)).withColumn(HistoryColumns.EXPECTED, lit(0.25));
    List<Column> cols = new ArrayList<>();
    for (StructField f : ReportRows.schema(keyFields).fields()) {
      cols.add((List.of(base.columns()).contains(f.name()) ? col(f.name()) : lit(null)).cast(f.dataType()).as(f.name()));
    }
    for (StructField f : HistoryColumns.SCHEMA.fields()) {
      cols.add((List.of(base.columns()).contains(f.name()) ? col(f.name()) : lit(null)).cast(f.dataType()).as(f.name()));
    }
    base.select(cols.toArray(Column[]::new)).write().mode("overwrite").parquet(report);
    spark.range((long) keys * ROWS_PER_KEY)
        .withColumn("date", lit(java.sql.Date.valueOf(FIRST.plusDays(nights))))
        .withColumn("key", concat(lit("k"), col("id").mod(keys).cast("string")))
        .withColumn("label", randn(2)).withColumn("prediction", col("label").plus(randn(3).multiply(0.5)))
        .withColumn("noise", rand(4)).drop("id", "noise")
        .write().mode("overwrite").parquet(night);
  }

  static void run(ColdBenchmark.Launcher launcher, File dir, File report, File night, int keys, int nights, int repeat,
      PrintStream out) throws Exception {
    File logs = new File(dir, "logs");
    logs.mkdirs();
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    Map<String, List<Double>> megabytes = new LinkedHashMap<>();
    List<String> common = List.of("--partition-by", "date,key", "--losses", "mse", "--grouping-sets", "date,key");
    for (int r = 1; r <= repeat; r++) {
      for (String variant : r % 2 == 1 ? List.of("alone", "history") : List.of("history", "alone")) {
        File output = new File(dir, "out-" + variant);
        ColdBenchmark.delete(output.toPath());
        copy(report, output);
        List<String> c = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        c.addAll(launcher.command(night.getPath(), output.getPath(), common));
        if (variant.equals("history")) {
          c.addAll(List.of("--history-by", "date"));
        }
        File log = new File(logs, "round" + r + "-" + variant + ".log");
        double s = ColdBenchmark.time(c, log);
        double mb = peakResidentMegabytes(log);
        seconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(s);
        megabytes.computeIfAbsent(variant, k -> new ArrayList<>()).add(mb);
        out.printf("round %d %-8s %8.3f s  peak RSS %7.0f MB%n", r, variant, s, mb);
      }
    }
    Map<String, Double> t = ColdBenchmark.medians(seconds);
    Map<String, Double> m = ColdBenchmark.medians(megabytes);
    out.printf(("RESULT history keys=%d nights=%d alone_s=%.3f history_s=%.3f history_vs_alone=%.3f alone_rss_mb=%.0f"
        + " history_rss_mb=%.0f%n"), keys, nights, t.get("alone"), t.get("history"), t.get("history") / t.get("alone"),
        m.get("alone"), m.get("history"));
  }

  private static void copy(File from, File to) throws IOException {
    to.mkdirs();
    for (File f : from.listFiles()) {
      Files.copy(f.toPath(), new File(to, f.getName()).toPath());
    }
  }

  /** GNU time's "Maximum resident set size (kbytes)" in a log, in MB. */
  static double peakResidentMegabytes(File log) throws IOException {
    for (String line : Files.readAllLines(log.toPath())) {
      if (line.contains("Maximum resident set size")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
