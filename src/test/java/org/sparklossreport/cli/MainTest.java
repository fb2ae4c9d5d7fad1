package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;
import static org.sparklossreport.testing.JobFixtures.key;
import static org.sparklossreport.testing.JobFixtures.ok;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Outcome;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkEvents;
import org.sparklossreport.testing.SparkTest;

/**
 * The job end to end, through {@link Main#run} as a user runs it: inputs (Parquet, CSV), outputs (Parquet,
 * CSV, JSON) read back and checked column by column against spec/job.md, write modes, job files, filters,
 * help and version. Every value is checked twice: against the library's aggregators on the same data, and
 * against the formula of spec/losses.md evaluated with plain loops over the generated rows.
 */
@SparkTest
public class MainTest {
  private static final List<String> KEYS = List.of("date", "model");
  /** Losses over scalar columns (CSV can hold them), one with extra outputs. */
  private static final List<String> SCALAR_LOSSES = List.of("mse", "rmse", "mae", "r2", "huber(delta=1.5)",
      "binary_cross_entropy(label=clicked,prediction=p_click)", "mse_gradient");
  /** Losses over vectors, for Parquet input. */
  private static final List<String> VECTOR_LOSSES = List.of("log_loss(label=class,prediction=probs)");

  /**
   * Plain-loop sums against compensated sums over at most a few hundred terms of one sign: the plain
   * sums' relative error is below n·ε ≈ 1e-13, so 1e-12 is a bound, not a fudge.
   */
  private static final double FORMULA_REL = 1e-12;
  /**
   * The aggregators and the job use the same compensated sums, merged in different orders (per partition
   * vs per key, then over keys); Neumaier sums agree to a few ulps whatever the order.
   */
  private static final double AGGREGATOR_REL = 1e-13;

  @ParameterizedTest(name = "{0} input, {1} report")
  @CsvSource({"parquet,parquet", "parquet,csv", "parquet,json", "csv,parquet"})
  void reportsEveryKeyAndTheOverallRowWithTheSpecsColumns(String inputFormat, String outputFormat,
      SparkSession spark, @TempDir Path tmp) throws IOException {
    List<Pred> rows = JobFixtures.generate(600, 7, D1, D2);
    String in = inputFormat.equals("csv") ? JobFixtures.writeCsv(rows, tmp.resolve("in"))
        : JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 3);
    List<String> losses = new ArrayList<>(SCALAR_LOSSES);
    if (inputFormat.equals("parquet")) {
      losses.addAll(VECTOR_LOSSES);
    }
    String out = tmp.resolve("report").toString();

    Instant before = Instant.now();
    Outcome o = ok("--input", in, "--input-format", inputFormat, "--partition-by", "date,model",
        "--weight", "weight", "--losses", String.join(",", losses), "--output", out,
        "--output-format", outputFormat);
    Instant after = Instant.now();

    // 4 keys + the overall row, each with every loss output (mse_gradient has 2 extra outputs).
    int outputs = losses.size() + 2;
    assertTrue(o.out().startsWith("loss report: 600 input row(s), 4 key(s), " + 5 * outputs + " report row(s)"),
        o.out());
    Matcher m = Pattern.compile("\\(run ([^)]+)\\)").matcher(o.out());
    assertTrue(m.find(), o.out());
    String runId = m.group(1);

    // The input as Spark reads it gives the key columns' types (CSV: inferred).
    Dataset<Row> input = inputFormat.equals("csv")
        ? spark.read().option("header", "true").option("inferSchema", "true").csv(in) : spark.read().parquet(in);
    StructType expectedSchema = JobFixtures.reportSchema(input.schema().apply("date"), input.schema().apply("model"));
    Dataset<Row> report = JobFixtures.readReport(spark, out, outputFormat, expectedSchema);
    checkFileColumns(Path.of(out), outputFormat, expectedSchema);
    assertEquals(JobFixtures.columns(expectedSchema), JobFixtures.columns(report.schema()));
    assertEquals(5 * outputs, report.count());

    Map<String, Row> byKey = JobFixtures.byKey(report, KEYS);
    Map<String, Double> aggregators = JobFixtures.aggregatorValues(input, KEYS, losses, "label", "prediction",
        "weight");
    Map<String, List<Pred>> groups = JobFixtures.groups(rows, p -> p.date() + "|" + p.model());
    groups.put(null, rows);
    for (Map.Entry<String, List<Pred>> g : groups.entrySet()) {
      List<Pred> part = g.getValue();
      String grouping = g.getKey() == null ? ReportRows.OVERALL : "date,model";
      Object[] kv = g.getKey() == null ? new Object[] {"null", "null"} : g.getKey().split("\\|");
      Map<String, Double> formula = JobFixtures.expected(part, true);
      formula.put("mse_gradient", formula.get("mse"));
      formula.put("mse_gradient.mean_gradient", JobFixtures.mean(part, true, p -> 2 * (p.prediction() - p.label())));
      double sq = 0;
      for (Pred p : part) {
        double we = p.weight() * (p.prediction() - p.label());
        sq += we * we;
      }
      formula.put("mse_gradient.gradient_norm", 2 * Math.sqrt(sq) / JobFixtures.weightSum(part));
      for (String loss : aggregators.keySet().stream().filter(k -> k.startsWith(grouping + "|"))
          .map(k -> k.substring(k.lastIndexOf('|') + 1)).distinct().toList()) {
        String k = key(grouping, loss, kv);
        Row r = byKey.get(k);
        assertNotNull(r, () -> "no report row " + k + " in " + byKey.keySet());
        double value = r.getAs("value");
        Approx.assertClose(aggregators.get(k), value, AGGREGATOR_REL, 0, k + " vs the aggregator");
        Approx.assertClose(formula.get(loss), value, FORMULA_REL, 1e-12, k + " vs the formula");
        assertEquals(part.size(), (long) r.getAs("rows"), k);
        assertEquals(0L, (long) r.getAs("invalid_rows"), k);
        assertNull(r.getAs("invalid_reasons"), k);
        Approx.assertClose(JobFixtures.weightSum(part), r.getAs("weight_sum"), FORMULA_REL, 0, k + " weight_sum");
        assertEquals(runId, r.getAs("run_id"), k);
      }
    }
    // grouping and keys: "date,model" rows carry both keys, the overall row neither.
    for (Row r : report.collectAsList()) {
      boolean overall = r.<String>getAs("grouping").equals(ReportRows.OVERALL);
      assertTrue(overall || r.<String>getAs("grouping").equals("date,model"), r.toString());
      assertEquals(overall, r.isNullAt(0), r.toString());
      assertEquals(overall, r.isNullAt(1), r.toString());
    }
    // One computed_at per run, taken while it ran (millisecond precision in CSV and JSON).
    List<Row> stamps = report.select("computed_at").distinct().collectAsList();
    assertEquals(1, stamps.size(), stamps.toString());
    Instant at = stamps.get(0).<Timestamp>getAs(0).toInstant();
    assertFalse(at.isBefore(before.minusMillis(1)) || at.isAfter(after), at + " not in [" + before + ", " + after + "]");
  }

  /** The files themselves hold every column: the CSV header in order, every key in every JSON record. */
  private static void checkFileColumns(Path dir, String format, StructType schema) throws IOException {
    if (format.equals("parquet")) {
      return; // the schema read back is the file's
    }
    List<Path> parts = JobFixtures.named(dir, "part-").stream().filter(p -> !p.toString().endsWith(".crc")).toList();
    assertFalse(parts.isEmpty(), "no part files in " + dir);
    String names = String.join(",", schema.fieldNames());
    ObjectMapper json = new ObjectMapper();
    for (Path part : parts) {
      List<String> lines = Files.readAllLines(part);
      if (format.equals("csv") && !lines.isEmpty()) {
        assertEquals(names, lines.get(0), part.toString());
      }
      if (format.equals("json")) {
        for (String line : lines) {
          Set<String> fields = new LinkedHashSet<>();
          for (Iterator<String> it = json.readTree(line).fieldNames(); it.hasNext();) {
            fields.add(it.next());
          }
          assertEquals(names, String.join(",", fields), "JSON record without every report column: " + line);
        }
      }
    }
  }

  /** Reads a report written by the tests (date, model keys) and indexes it. */
  private static Map<String, Row> report(SparkSession spark, String path, String format) {
    Dataset<Row> r = JobFixtures.readReport(spark, path, format, JobFixtures.REPORT);
    assertEquals(JobFixtures.columns(JobFixtures.REPORT), JobFixtures.columns(r.schema()));
    return JobFixtures.byKey(r, KEYS);
  }

  private static String runId(Outcome o) {
    Matcher m = Pattern.compile("\\(run ([^)]+)\\)").matcher(o.out());
    assertTrue(m.find(), o.out());
    return m.group(1);
  }

  /** Checks mse and mae of one key (or overall: date and model null) against the formula and the run. */
  private static void checkKey(Map<String, Row> report, String grouping, String date, String model,
      List<Pred> rows, String runId) {
    Map<String, Double> e = JobFixtures.expected(rows, false);
    for (String loss : List.of("mse", "mae")) {
      String k = key(grouping, loss, date, model);
      Row r = report.get(k);
      assertNotNull(r, () -> "no row " + k + " in " + report.keySet());
      Approx.assertClose(e.get(loss), r.getAs("value"), FORMULA_REL, 0, k);
      assertEquals(rows.size(), (long) r.getAs("rows"), k);
      assertEquals(runId, r.getAs("run_id"), k);
    }
  }

  @ParameterizedTest(name = "{0} report")
  @ValueSource(strings = {"parquet", "csv", "json", "delta"})
  void overwriteReplacesOnlyTheKeysOfItsRun(String format, SparkSession spark, @TempDir Path tmp) {
    List<Pred> first = JobFixtures.generate(160, 11, D1, D2);
    List<Pred> second = JobFixtures.generate(120, 12, D1, D2); // other values for both dates
    String in1 = JobFixtures.writeParquet(spark, first, tmp.resolve("in1"), 1);
    String in2 = JobFixtures.writeParquet(spark, second, tmp.resolve("in2"), 1);
    String out = tmp.resolve("report").toString();
    String[] common = {"--partition-by", "date,model", "--losses", "mse,mae", "--output", out,
        "--output-format", format};

    String run1 = runId(ok(concat(common, "--input", in1, "--where", "date = '" + D1 + "'")));
    Map<String, Row> afterDay1 = report(spark, out, format);
    assertEquals(2 * 3, afterDay1.size(), afterDay1.keySet().toString());
    String run2 = runId(ok(concat(common, "--input", in1, "--where", "date = '" + D2 + "'", "--mode", "overwrite")));
    Map<String, Row> both = report(spark, out, format);
    assertEquals(2 * 5, both.size(), both.keySet().toString());
    for (String model : List.of("a", "b")) {
      checkKey(both, "date,model", D1, model, filter(first, D1, model), run1);
      checkKey(both, "date,model", D2, model, filter(first, D2, model), run2);
    }
    // The overall row is the latest run's.
    checkKey(both, ReportRows.OVERALL, null, null, filter(first, D2, null), run2);

    // Day 1 again, from other data: its rows are replaced, day 2's are left exactly as they were.
    String run3 = runId(ok(concat(common, "--input", in2, "--where", "date = '" + D1 + "'")));
    Map<String, Row> rerun = report(spark, out, format);
    assertEquals(2 * 5, rerun.size(), rerun.keySet().toString());
    for (String model : List.of("a", "b")) {
      checkKey(rerun, "date,model", D1, model, filter(second, D1, model), run3);
      for (String loss : List.of("mse", "mae")) {
        String k = key("date,model", loss, D2, model);
        assertEquals(both.get(k), rerun.get(k), k + " must be untouched");
      }
    }
    checkKey(rerun, ReportRows.OVERALL, null, null, filter(second, D1, null), run3);

    // A run by other keys (date alone) into the same report: its rows join the report's long format
    // (grouping "date", model null), and every earlier "date,model" row stays as it was.
    String run4 = runId(ok("--input", in1, "--partition-by", "date", "--losses", "mse,mae", "--output", out,
        "--output-format", format));
    Map<String, Row> mixed = report(spark, out, format);
    assertEquals(2 * 7, mixed.size(), mixed.keySet().toString());
    for (String date : List.of(D1, D2)) {
      checkKey(mixed, "date", date, null, filter(first, date, null), run4);
      for (String model : List.of("a", "b")) {
        for (String loss : List.of("mse", "mae")) {
          String k = key("date,model", loss, date, model);
          assertEquals(rerun.get(k), mixed.get(k), k + " must be untouched");
        }
      }
    }
    checkKey(mixed, ReportRows.OVERALL, null, null, first, run4);
  }

  @Test
  void appendKeepsEveryRunsRows(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(80, 13, D1, D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 1);
    String out = tmp.resolve("report").toString();
    String[] args = {"--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--output", out,
        "--mode", "append"};
    String run1 = runId(ok(args));
    String run2 = runId(ok(args));
    Dataset<Row> report = JobFixtures.readReport(spark, out, "parquet", JobFixtures.REPORT);
    assertEquals(2 * 2 * 5, report.count());
    for (String run : List.of(run1, run2)) {
      Map<String, Row> one = JobFixtures.byKey(report.where(report.col("run_id").equalTo(run)), KEYS);
      assertEquals(10, one.size(), run);
      checkKey(one, ReportRows.OVERALL, null, null, rows, run);
      checkKey(one, "date,model", D2, "b", filter(rows, D2, "b"), run);
    }
  }

  @Test
  void errorIfExistsRefusesBeforeReadingAnything(SparkSession spark, @TempDir Path tmp) throws IOException {
    Path out = Files.createDirectories(tmp.resolve("report"));
    Files.writeString(out.resolve("part-0.csv"), "an earlier report\n");
    // The input does not exist: a job that read before checking the output would complain about it.
    String missing = tmp.resolve("no-input").toString();
    String error;
    try (SparkEvents events = SparkEvents.listen(spark)) {
      error = JobFixtures.usageError("--input", missing, "--losses", "mse", "--output", out.toString(),
          "--mode", "error-if-exists");
      assertEquals(List.of(), events.jobs(), "no Spark job may run before the refusal");
    }
    assertTrue(error.contains("--mode error-if-exists") && error.contains(out.toString())
        && error.contains("already exists"), error);
    assertEquals("an earlier report\n", Files.readString(out.resolve("part-0.csv")));
  }

  @Test
  void jobFileWithOverridingOptions(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<Pred> rows = JobFixtures.generate(120, 14, D1, D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    Path job = tmp.resolve("job.yaml");
    // Shaped like conf/regression.yaml: lists, a {name: ..., param: value} loss, conf as a mapping.
    Files.writeString(job, String.join("\n",
        "# a test job file",
        "input: " + in,
        "input_format: parquet",
        "label: label",
        "prediction: prediction",
        "weight: weight",
        "partition_by: [date, model]",
        "losses:",
        "  - mse",
        "  - name: huber",
        "    delta: 1.5",
        "output: " + out,
        "output_format: json",
        "mode: error-if-exists",
        "invalid: fail",
        "conf:",
        "  spark.sql.shuffle.partitions: 3",
        ""));
    // The command line overrides partition_by and adds a filter.
    String[] args = {"--config", job.toString(), "--partition-by", "model", "--where", "date = '" + D2 + "'"};
    ok(args);
    StructType schema = JobFixtures.reportSchema(JobFixtures.SCHEMA.apply("model"));
    Dataset<Row> report = JobFixtures.readReport(spark, out.toString(), "json", schema);
    Map<String, Row> byKey = JobFixtures.byKey(report, List.of("model"));
    assertEquals(Set.of("model|a|mse", "model|a|huber(delta=1.5)", "model|b|mse", "model|b|huber(delta=1.5)",
        "overall|null|mse", "overall|null|huber(delta=1.5)"), byKey.keySet());
    for (String model : List.of("a", "b")) {
      List<Pred> part = filter(rows, D2, model);
      Map<String, Double> e = JobFixtures.expected(part, true);
      Approx.assertClose(e.get("mse"), byKey.get("model|" + model + "|mse").getAs("value"), FORMULA_REL, 0);
      Approx.assertClose(e.get("huber(delta=1.5)"), byKey.get("model|" + model + "|huber(delta=1.5)").getAs("value"),
          FORMULA_REL, 0);
      assertEquals(part.size(), (long) byKey.get("model|" + model + "|mse").getAs("rows"));
    }
    // The job file's mode applies: a second run refuses.
    String error = JobFixtures.usageError(args);
    assertTrue(error.contains("error-if-exists"), error);
  }

  @Test
  void helpListsEveryOptionAndVersionPrintsIt() {
    Outcome help = ok("--help");
    assertEquals("", help.err());
    // Every option of spec/job.md's table, and every option the parser knows.
    List<String> spec = List.of("config", "input", "table", "input-format", "where", "label", "prediction",
        "weight", "partition-by", "losses", "output", "output-format", "mode", "invalid", "master", "conf",
        "help", "version");
    for (String option : spec) {
      assertTrue(help.out().contains("--" + option + " ") || help.out().contains("--" + option + "\n"),
          "--help does not list --" + option);
    }
    for (String option : JobOptions.NAMES) {
      assertTrue(help.out().contains("--" + option), "--help does not list --" + option);
    }
    for (String value : List.of("overwrite", "append", "error-if-exists", "fail", "skip", "quarantine", "parquet",
        "csv", "json")) {
      assertTrue(help.out().contains(value), "--help does not mention " + value);
    }
    Outcome version = ok("--version");
    assertEquals("", version.err());
    assertTrue(version.out().matches("spark-loss-report \\S.*\\n"), version.out());
  }

  @Test
  void lossesAllRunsEveryLossWhoseInputsExist(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(200, 15, D1);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String out = tmp.resolve("report").toString();
    // Binary label and probability, both numbers: every loss of two numbers (or of the prediction alone).
    ok("--input", in, "--label", "clicked", "--prediction", "p_click", "--partition-by", "model", "--losses", "all",
        "--output", out);
    Dataset<Row> report = JobFixtures.readReport(spark, out, "parquet", null);
    List<String> expected = List.of("mse", "mae", "cross_entropy", "binary_cross_entropy", "log_loss",
        "mse_gradient", "mse_gradient.mean_gradient", "mse_gradient.gradient_norm", "sparse", "rmse", "r2", "huber",
        "log_cosh", "quantile", "mape", "msle", "poisson", "hinge", "squared_hinge", "binary_focal_cross_entropy");
    Map<String, Row> byKey = JobFixtures.byKey(report, List.of("model"));
    assertEquals(3 * expected.size(), byKey.size(), byKey.keySet().toString());
    List<String> specs = expected.stream().filter(l -> !l.contains(".")).toList();
    Map<String, Double> aggregators = JobFixtures.aggregatorValues(spark.read().parquet(in), List.of("model"), specs,
        "clicked", "p_click", null);
    assertEquals(aggregators.keySet(), byKey.keySet());
    aggregators.forEach((k, v) -> Approx.assertClose(v, byKey.get(k).getAs("value"), AGGREGATOR_REL, 0, k));
    // Independent values: spec/losses.md defines log_loss on a scalar binary label, and the mean of
    // cross_entropy on scalars, as binary cross-entropy; hinge maps {0,1} to {-1,1}.
    for (String model : List.of("a", "b")) {
      List<Pred> part = filter(rows, D1, model);
      double bce = JobFixtures.mean(part, false, JobFixtures::bce);
      for (String loss : List.of("binary_cross_entropy", "log_loss", "cross_entropy")) {
        Approx.assertClose(bce, byKey.get("model|" + model + "|" + loss).getAs("value"), FORMULA_REL, 0, loss);
      }
      double hinge = JobFixtures.mean(part, false, p -> Math.max(0, 1 - (2 * p.clicked() - 1) * p.pClick()));
      Approx.assertClose(hinge, byKey.get("model|" + model + "|hinge").getAs("value"), FORMULA_REL, 0, "hinge");
      double mse = JobFixtures.mean(part, false, p -> (p.clicked() - p.pClick()) * (p.clicked() - p.pClick()));
      Approx.assertClose(mse, byKey.get("model|" + model + "|mse").getAs("value"), FORMULA_REL, 0, "mse");
    }
  }

  static List<Pred> filter(List<Pred> rows, String date, String model) {
    return rows.stream().filter(p -> (date == null || p.date().equals(date)) && (model == null
        || p.model().equals(model))).toList();
  }

  public static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
