package org.sparklossreport.sql.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;
import org.sparklossreport.sql.LossReportExtensions;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;
import org.sparklossreport.testing.SparkEvents;
import org.sparklossreport.testing.SparkTest;

/**
 * {@code loss_report(...)}: its rows equal the report the job (the command line, {@code JobFixtures.ok})
 * writes for the same table and options, every column but {@code run_id} and {@code computed_at}, bit for
 * bit; analysis ({@code EXPLAIN}, {@code CREATE VIEW}) runs no Spark job; mistakes are analysis errors with
 * the job's messages, the argument named as SQL names it.
 */
@SparkTest
class LossReportTableFunctionTest {
  /** The report's columns a run stamps (compared by the others). */
  private static final List<String> STAMPS = List.of("run_id", "computed_at");

  @TempDir
  static Path tmp;
  private static String input;

  /** 1200 rows of 2 dates × 2 models; an example id that 3 neighbouring rows share; a null label, a NaN prediction. */
  @BeforeAll
  static void table() {
    SparkSession spark = SharedSparkSession.get();
    List<JobFixtures.Pred> preds = new ArrayList<>(JobFixtures.generate(1200, 28, D1, D2));
    preds.set(5, preds.get(5).withLabel(null));
    preds.set(11, preds.get(11).withPrediction(Double.NaN));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < preds.size(); i++) {
      Row r = preds.get(i).toRow();
      Object[] v = new Object[r.length() + 1];
      for (int j = 0; j < r.length(); j++) {
        v[j] = r.get(j);
      }
      v[r.length()] = (long) (i / 3);
      rows.add(RowFactory.create(v));
    }
    input = tmp.resolve("predictions").toString();
    spark.createDataFrame(rows, JobFixtures.SCHEMA.add("id", DataTypes.LongType)).repartition(3).write().parquet(input);
    spark.read().parquet(input).createOrReplaceTempView("tf_predictions");
  }

  private static void assertSameAsJob(SparkSession spark, String sql, String... jobOptions) {
    String out = tmp.resolve("job-" + Math.abs(sql.hashCode())).toString();
    List<String> args = new ArrayList<>(List.of("--input", input, "--output", out));
    args.addAll(List.of(jobOptions));
    JobFixtures.ok(args.toArray(String[]::new));
    Dataset<Row> job = spark.read().parquet(out);
    Dataset<Row> function = spark.sql(sql);
    List<String> columns = Arrays.stream(job.columns()).filter(c -> !STAMPS.contains(c)).toList();
    assertEquals(Arrays.asList(job.columns()), Arrays.asList(function.columns()), "the report's columns");
    assertEquals(JobFixtures.columns(job.schema()), JobFixtures.columns(function.schema()), "their types");
    List<String> expected = sortedRows(job, columns);
    List<String> actual = sortedRows(function, columns);
    assertEquals(expected.size(), actual.size(), "report rows");
    assertEquals(expected, actual, "every column but run_id and computed_at, to the bit");
  }

  /** The rows as text, doubles by their bits (Double.toString is exact for a double), sorted. */
  private static List<String> sortedRows(Dataset<Row> df, List<String> columns) {
    return df.selectExpr(columns.toArray(String[]::new)).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void plainKeysEqualTheJob(SparkSession spark) {
    assertSameAsJob(spark, "SELECT * FROM loss_report('tf_predictions', partition_by => 'date,model',"
        + " losses => 'mse,mae,huber(delta=1.5),r2', weight => 'weight', invalid => 'skip')",
        "--partition-by", "date,model", "--losses", "mse,mae,huber(delta=1.5),r2", "--weight", "weight",
        "--invalid", "skip");
  }

  @Test
  void groupingSetsAndWhereEqualTheJob(SparkSession spark) {
    assertSameAsJob(spark, "SELECT * FROM loss_report(TABLE(tf_predictions), partition_by => 'date,model',"
        + " losses => 'mse,mse_gradient', grouping_sets => 'date,model;model;overall', invalid => 'skip',"
        + " where => \"date = '" + D2 + "'\")",
        "--partition-by", "date,model", "--losses", "mse,mse_gradient", "--grouping-sets", "date,model;model;overall",
        "--invalid", "skip", "--where", "date = '" + D2 + "'");
  }

  @Test
  void intervalsAndAPairedComparisonEqualTheJob(SparkSession spark) {
    assertSameAsJob(spark, "SELECT * FROM loss_report('SELECT * FROM tf_predictions', partition_by => 'date,model',"
        + " losses => 'mse,log_loss(label=clicked,prediction=p_click)', ci => 'jackknife', ci_buckets => 10,"
        + " ci_level => 0.9, id_column => 'id', compare_by => 'model', baseline => 'a', invalid => 'skip')",
        "--partition-by", "date,model", "--losses", "mse,log_loss(label=clicked,prediction=p_click)", "--ci",
        "jackknife", "--ci-buckets", "10", "--ci-level", "0.9", "--id-column", "id", "--compare-by", "model",
        "--baseline", "a", "--invalid", "skip");
  }

  @Test
  void invalidRowsUnderSkipAreCountedAsTheJobCountsThem(SparkSession spark) {
    List<Row> rows = spark.sql("SELECT rows, invalid_rows, invalid_reasons FROM loss_report('tf_predictions',"
        + " losses => 'mse', invalid => 'skip') WHERE grouping = 'overall'").collectAsList();
    assertEquals(List.of(RowFactory.create(1198L, 2L, "null=1,not_finite=1")), rows,
        "1200 rows, one null label, one NaN prediction");
  }

  @Test
  void invalidRowsUnderFailFailTheQueryWithTheJobsMessageInSqlNames(SparkSession spark) {
    String job = JobFixtures.usageError("--input", input, "--losses", "mse", "--output",
        tmp.resolve("fails").toString());
    Exception e = assertThrows(Exception.class,
        () -> spark.sql("SELECT * FROM loss_report('tf_predictions', losses => 'mse')").collect());
    String expected = "loss_report: " + job.substring("error: ".length()).replace("--invalid", "invalid");
    assertTrue(String.valueOf(e.getMessage()).contains(expected), e.getMessage() + "\n" + expected);
  }

  @Test
  void analysisRunsNoSparkJob(SparkSession spark) {
    String call = "loss_report('tf_predictions', partition_by => 'date,model', losses => 'mse',"
        + " ci => 'jackknife', compare_by => 'model', baseline => 'a', where => \"date = '" + D1 + "'\")";
    try (SparkEvents events = SparkEvents.listen(spark)) {
      spark.sql("EXPLAIN SELECT * FROM " + call).collect();
      spark.sql("CREATE OR REPLACE TEMPORARY VIEW tf_report AS SELECT * FROM " + call);
      spark.sql("SELECT * FROM tf_report").schema();
      assertEquals(List.of(), events.jobCallSites(), "Spark jobs run by analysis");
    }
    String plan = spark.sql("EXPLAIN SELECT * FROM " + call).collectAsList().get(0).getString(0);
    assertTrue(plan.contains("LossReport"), plan);
    assertTrue(spark.table("tf_report").count() > 0);
  }

  @Test
  void mistakesAreAnalysisErrorsNamingTheArgument(SparkSession spark) {
    Map<String, String> cases = Map.of(
        "ci_buckets => 1, ci => 'jackknife'", "loss_report: ci_buckets must be a whole number from 2 to 1000",
        "partition_by => 'dat'", "loss_report: partition_by column 'dat' not found",
        "compare_by => 'date', baseline => 'x'", "loss_report: compare_by 'date' is not a partition_by key",
        "losses => 'hubr'", "loss_report: unknown loss 'hubr'",
        "loss => 'mse'", "loss_report: unknown argument loss; its arguments: input, where, label",
        "invalid => 'quarantine /tmp/x'", "loss_report: invalid: a report returned as a DataFrame");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String args = c.getKey().startsWith("losses") ? c.getKey() : "losses => 'mse', " + c.getKey();
      AnalysisException e = assertThrows(AnalysisException.class,
          () -> spark.sql("SELECT * FROM loss_report('tf_predictions', " + args + ")"), c.getKey());
      assertTrue(e.getMessage().startsWith(c.getValue()), c.getKey() + ": " + e.getMessage());
    }
    AnalysisException clauses = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT * FROM loss_report(TABLE(tf_predictions) PARTITION BY model, losses => 'mse')"));
    assertTrue(clauses.message().startsWith("loss_report: TABLE(...) takes no PARTITION BY"), clauses.message());
    AnalysisException e = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT * FROM loss_report('no_such_table', losses => 'mse')"));
    assertTrue(e.getMessage().startsWith("loss_report: input 'no_such_table' is neither a table nor a query"),
        e.getMessage());
  }

  @Test
  void theJobsMessagesAreTheFunctionsWithTheArgumentsNames(SparkSession spark) {
    String job = JobFixtures.usageError("--input", input, "--losses", "mse", "--ci", "jackknife", "--ci-buckets", "1",
        "--output", tmp.resolve("bad").toString());
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql(
        "SELECT * FROM loss_report('tf_predictions', losses => 'mse', ci => 'jackknife', ci_buckets => 1)"));
    assertEquals(job.replace("error: --ci-buckets", "loss_report: ci_buckets"), e.message(),
        "the message (Spark adds the call's position after it)");
  }

  @Test
  void theQueryReadsTheInputInOnePassOnTheExecutors(SparkSession spark) {
    try (SparkEvents events = SparkEvents.listen(spark)) {
      List<Row> rows = spark.sql("SELECT * FROM loss_report('tf_predictions', partition_by => 'date,model',"
          + " losses => 'mse,mae,r2', grouping_sets => 'date,model;model;overall', invalid => 'skip')").collectAsList();
      assertEquals(3 * (4 + 2 + 1), rows.size(), "3 losses x (4 keys + 2 models + overall)");
      assertEquals(1, events.scans().size(), "stages that scan the input: " + events.stages());
      assertEquals(1200, events.scans().get(0).recordsRead(), "input rows read by that stage's tasks");
    }
  }

  @Test
  void aReportJoinsWithItself(SparkSession spark) {
    Dataset<Row> byModel = spark.sql("SELECT * FROM loss_report('tf_predictions', partition_by => 'model',"
        + " losses => 'mse,mae', invalid => 'skip')");
    List<Row> pairs = byModel.as("a").join(byModel.as("b"), functions.expr("a.model = b.model AND a.loss = 'mse'"
        + " AND b.loss = 'mae'")).selectExpr("a.model", "a.value - b.value").collectAsList();
    assertEquals(2, pairs.size(), "models a and b, each mse against its mae: " + pairs);
  }

  @Test
  void registerAddsItToARunningSessionOnce(SparkSession spark) {
    SparkSession other = spark.newSession();
    LossReportExtensions.register(other);
    LossReportExtensions.register(other);
    long strategies = CollectionConverters.asJava(other.experimental().extraStrategies()).stream()
        .filter(s -> s instanceof ReportStrategy).count();
    assertEquals(1, strategies, "the report's strategy, once");
    Row overall = other.sql("SELECT rows, invalid_rows FROM loss_report('SELECT * FROM parquet.`" + input + "`',"
        + " losses => 'mse', invalid => 'skip')").first();
    assertEquals(RowFactory.create(1198L, 2L), overall);
  }

  @Test
  void describeFunctionDocumentsIt(SparkSession spark) {
    String text = String.join("\n", spark.sql("DESCRIBE FUNCTION EXTENDED loss_report").collectAsList().stream()
        .map(r -> r.getString(0)).toList());
    for (String s : List.of("Usage: loss_report(input, name => value, ...)", "partition_by", "ci_buckets",
        "Examples:", "SELECT * FROM loss_report('predictions'")) {
      assertTrue(text.contains(s), s + " in\n" + text);
    }
  }
}
