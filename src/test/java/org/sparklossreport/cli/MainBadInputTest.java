package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;
import static org.sparklossreport.testing.JobFixtures.usageError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkEvents;
import org.sparklossreport.testing.SparkTest;

/**
 * The user's mistakes (issue 5): each gives exit code 2 and one {@code error:} line naming what is at
 * fault and what was expected, and leaves nothing at the output path. Mistakes in the options and loss
 * specifications are found before Spark runs anything.
 */
@SparkTest
class MainBadInputTest {
  @TempDir
  static Path shared;
  static String input;
  static String columns;

  @BeforeAll
  static void input(SparkSession spark) {
    input = JobFixtures.writeParquet(spark, JobFixtures.generate(40, 21, D1, D2), shared.resolve("in"), 1);
    columns = "date, model, label, prediction, weight, clicked, p_click, class, probs, onehot";
  }

  /** Runs {@code args} (after --input and --output unless given) expecting exit 2; returns the error line. */
  private static String fails(Path out, String... args) {
    List<String> all = new java.util.ArrayList<>();
    if (!List.of(args).contains("--input")) {
      all.addAll(List.of("--input", input));
    }
    if (!List.of(args).contains("--output")) {
      all.addAll(List.of("--output", out.toString()));
    }
    all.addAll(List.of(args));
    String error = usageError(all.toArray(new String[0]));
    assertFalse(Files.exists(out), "a failed run left " + out);
    return error;
  }

  /** As {@link #fails} and asserts that Spark ran no job: the mistake was found from the options alone. */
  private static String failsBeforeSpark(SparkSession spark, Path out, String... args) {
    try (SparkEvents events = SparkEvents.listen(spark)) {
      String error = fails(out, args);
      assertEquals(List.of(), events.jobs(), "Spark ran jobs before reporting: " + error);
      return error;
    }
  }

  private static void contains(String error, String... parts) {
    for (String p : parts) {
      assertTrue(error.contains(p), () -> "'" + p + "' missing from: " + error);
    }
  }

  @Test
  void unknownOptionSuggestsTheClosest(SparkSession spark, @TempDir Path tmp) {
    String error = failsBeforeSpark(spark, tmp.resolve("out"), "--partiton-by", "date", "--losses", "mse");
    assertEquals("error: unknown option --partiton-by; did you mean --partition-by? (see --help for every option)",
        error);
    contains(failsBeforeSpark(spark, tmp.resolve("out"), "--losses"), "--losses needs a value");
    contains(failsBeforeSpark(spark, tmp.resolve("out"), "--losses", "mse", "--mode", "replace"),
        "--mode must be overwrite, append or error-if-exists, got 'replace'");
    contains(failsBeforeSpark(spark, tmp.resolve("out"), "--losses", "mse", "--output-format", "xlsx"),
        "--output-format must be one of parquet, csv, json, delta, got 'xlsx'");
  }

  @Test
  void unknownJobFileEntrySuggestsTheClosest(SparkSession spark, @TempDir Path tmp) throws IOException {
    Path job = tmp.resolve("job.yaml");
    Files.writeString(job, "losses: [mse]\npartiton_by: [date]\n");
    String error = failsBeforeSpark(spark, tmp.resolve("out"), "--config", job.toString());
    contains(error, "job file '" + job + "'", "unknown entry 'partiton_by'", "did you mean 'partition-by'?",
        "valid entries: config, input,");
  }

  @Test
  void unknownLossListsTheValidOnesAndSuggestsTheClosest(SparkSession spark, @TempDir Path tmp) {
    // The input does not exist: the loss is checked first, from the options alone.
    String error = failsBeforeSpark(spark, tmp.resolve("out"), "--input", tmp.resolve("missing").toString(),
        "--losses", "mse,hubber(delta=1.5)");
    contains(error, "unknown loss 'hubber'", "did you mean 'huber'?", "valid losses: " + String.join(", ",
        Losses.names()));
  }

  @Test
  void anUnknownOrUnfitEngineIsAUsageError(SparkSession spark, @TempDir Path tmp) {
    contains(fails(tmp.resolve("a"), "--losses", "mse", "--conf", ReportPlan.ENGINE_CONF + "=fast"),
        "spark.lossreport.engine must be auto, columnar, compiled or aggregator, got 'fast'");
    contains(fails(tmp.resolve("b"), "--losses", "log_loss(label=class,prediction=probs)", "--where", "label >= 0",
        "--conf", ReportPlan.ENGINE_CONF + "=columnar"), "spark.lossreport.engine=columnar reads column batches",
        "with no --where filter", "use auto or compiled");
    // --conf applies to the running (shared) session for the run only
    assertFalse(spark.conf().getOption(ReportPlan.ENGINE_CONF).isDefined());
    contains(fails(tmp.resolve("c"), "--losses", "mse", "--conf", "spark.sql.warehouse.dir=/tmp/elsewhere"),
        "--conf spark.sql.warehouse.dir cannot be changed on the running Spark session",
        "pass it to spark-submit");
  }

  @Test
  void lossParameterOutOfBounds(SparkSession spark, @TempDir Path tmp) {
    contains(failsBeforeSpark(spark, tmp.resolve("out"), "--losses", "mse,huber(delta=-1)"),
        "huber: parameter delta must be in (0, inf), got -1");
    contains(failsBeforeSpark(spark, tmp.resolve("out"), "--losses", "quantile(tau=1.5)"),
        "quantile: parameter tau must be in (0, 1), got 1.5");
    contains(failsBeforeSpark(spark, tmp.resolve("out"), "--losses", "huber(delta=abc)"),
        "huber: parameter delta must be a number, got 'abc'");
  }

  @Test
  void missingColumnListsTheAvailableOnes(@TempDir Path tmp) {
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--label", "y"),
        "mse: label column 'y' not found; available columns: " + columns);
    contains(fails(tmp.resolve("out"), "--losses", "log_loss(label=class,prediction=proba)"),
        "log_loss(label=class,prediction=proba): prediction column 'proba' not found; available columns: " + columns);
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--weight", "w"),
        "mse: weight column 'w' not found; available columns: " + columns);
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--partition-by", "date,segment"),
        "--partition-by column 'segment' not found; available columns: " + columns);
  }

  @Test
  void wrongColumnTypeSaysWhatWasExpectedAndFound(@TempDir Path tmp) {
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--label", "model"),
        "mse: label column 'model' has type string; expected a number, array<double>, array<float> or an ML Vector");
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--weight", "probs"),
        "mse: weight column 'probs' is a vector; expected a number");
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--partition-by", "probs"),
        "--partition-by column 'probs' has type array<double>; expected a number, string, date or timestamp");
    // A vector loss over numbers: the loss, its columns, what it found and what it accepts.
    contains(fails(tmp.resolve("out"), "--losses", "categorical_cross_entropy(label=onehot,prediction=p_click)"),
        "categorical_cross_entropy: label is a vector and prediction a number; expected a label vector and a"
            + " probability vector", "; columns: label 'onehot', prediction 'p_click'");
  }

  @Test
  void inputWithoutData(@TempDir Path tmp) throws IOException {
    Path missing = tmp.resolve("missing");
    contains(fails(tmp.resolve("out"), "--input", missing.toString(), "--losses", "mse"),
        "--input '" + missing + "': no such file or directory");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("_SUCCESS"), "");
    contains(fails(tmp.resolve("out"), "--input", empty.toString(), "--losses", "mse"),
        "--input '" + empty + "' holds no data files");
    contains(fails(tmp.resolve("out"), "--input", tmp.resolve("nothing-*.parquet").toString(), "--losses", "mse"),
        "no such file or directory");
  }

  @Test
  void outputEqualToInsideOrAroundTheInput(@TempDir Path tmp) throws IOException {
    Path in = Path.of(input);
    long files;
    try (var s = Files.list(in)) {
      files = s.count();
    }
    for (Path out : List.of(in, in.resolve("report"), in.getParent())) {
      String error = usageError("--input", input, "--losses", "mse", "--output", out.toString());
      contains(error, "--output '" + out + "' is the input or lies inside (or around) the input '" + input + "'");
    }
    try (var s = Files.list(in)) {
      assertEquals(files, s.count(), "the input directory changed");
    }
  }

  @Test
  void outputThatCannotBeWritten(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    Path out = file.resolve("report");
    String error = usageError("--input", input, "--losses", "mse", "--output", out.toString());
    contains(error, "--output '", out.toString(), "' cannot be written", "not a directory");
    Path fileOut = Files.writeString(tmp.resolve("report.parquet"), "a file where the report should go");
    contains(usageError("--input", input, "--losses", "mse", "--output", fileOut.toString()),
        "--output '", fileOut.toString(), "' is a file; expected a directory");
    assertEquals("a file where the report should go", Files.readString(fileOut));
  }

  @Test
  void badWhere(@TempDir Path tmp) {
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--where", "region = 'eu'"),
        "--where \"region = 'eu'\": ", "`region` cannot be resolved");
    String syntax = fails(tmp.resolve("out"), "--losses", "mse", "--where", "date = = 1");
    contains(syntax, "--where \"date = = 1\": ", "Syntax error");
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--where", "label + 1"), "--where \"label + 1\": ");
    // Resolves, but fails while running: Spark's ANSI cast of the string column 'date' to a number.
    contains(fails(tmp.resolve("out"), "--losses", "mse", "--where", "date = 1"),
        "the input data does not fit the job: ", "CAST_INVALID_INPUT", "check --where");
  }

  @Test
  void quarantinePathThatWouldOverwriteTheInputOrTheReport(@TempDir Path tmp) throws IOException {
    Path in = Path.of(input);
    long files;
    try (var s = Files.list(in)) {
      files = s.count();
    }
    Path out = tmp.resolve("out");
    for (Path q : List.of(in, in.resolve("bad"), out, out.resolve("bad"))) {
      String error = fails(out, "--losses", "mse", "--invalid", "quarantine " + q);
      contains(error, "--invalid quarantine path '" + q + "'");
    }
    try (var s = Files.list(in)) {
      assertEquals(files, s.count(), "the input directory changed");
    }
  }

  @Test
  void filterMatchingNoRowGivesTheOverallRowWithoutValue(SparkSession spark, @TempDir Path tmp) {
    // Not a mistake: a day without data. The report says so instead of failing.
    String out = tmp.resolve("out").toString();
    JobFixtures.ok("--input", input, "--losses", "mse,mae", "--partition-by", "date,model", "--where",
        "date = '1999-01-01'", "--output", out);
    Dataset<Row> report = JobFixtures.readReport(spark, out, "parquet", null);
    Map<String, Row> rows = JobFixtures.byKey(report, List.of("date", "model"));
    assertEquals(java.util.Set.of("overall|null|null|mse", "overall|null|null|mae"), rows.keySet());
    for (Row r : rows.values()) {
      assertTrue(r.isNullAt(r.fieldIndex("value")), r.toString());
      assertEquals(0L, (long) r.getAs("rows"));
      assertEquals(0L, (long) r.getAs("invalid_rows"));
    }
  }
}
