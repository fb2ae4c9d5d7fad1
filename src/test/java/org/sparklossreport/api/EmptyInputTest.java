package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Outcome;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * Inputs with no rows, or with no rows in some files, partitions or keys, on every engine of the single
 * pass (spec/job.md, "Report": an input with no rows gives the {@code overall} rows with null values and
 * {@code rows} 0, and no keyed rows, exit 0). Report columns are read by name.
 */
@SparkTest
class EmptyInputTest {
  private static final String SCALAR = "mse,r2,mae,mse_gradient";
  private static final String VECTOR = "log_loss(label=class,prediction=probs)";
  /** One Spark partition per input file, so that empty files are empty partitions. */
  private static final String[] FILE_PER_PARTITION = {"--conf", "spark.sql.files.maxPartitionBytes=1024",
      "--conf", "spark.sql.files.openCostInBytes=1024"};

  /** An engine name, or {@code compiled+vectors}: the compiled engine with a vector loss too. */
  private static boolean takesVectors(String engine) {
    return engine.endsWith("+vectors") || engine.equals("aggregator") || engine.equals("auto");
  }

  private static String losses(String engine) {
    return takesVectors(engine) && !engine.equals("auto") ? SCALAR + "," + VECTOR : SCALAR;
  }

  private static Outcome run(String engine, String in, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("--input", in, "--output", out.toString(), "--conf",
        ReportPlan.ENGINE_CONF + "=" + engine.replace("+vectors", "")));
    args.addAll(Arrays.asList(more));
    return JobFixtures.run(args.toArray(new String[0]));
  }

  private static List<Row> report(SparkSession spark, Path out) {
    return spark.read().parquet(out.toString()).collectAsList();
  }

  /** A Parquet file with the table's schema and no rows. */
  private static String emptyParquet(SparkSession spark, Path dir) {
    JobFixtures.frame(spark, List.of()).coalesce(1).write().mode("overwrite").parquet(dir.toString());
    return dir.toString();
  }

  /** Only overall rows, one per loss output, each null with 0 rows and 0 invalid rows. */
  private static void assertEmptyOverall(List<Row> report, int outputs, Outcome o) {
    assertEquals(outputs, report.size(), () -> "report rows " + report + "\n" + o);
    for (Row r : report) {
      assertEquals(ReportRows.OVERALL, r.getAs("grouping"), () -> "a keyed row for an empty input: " + r);
      assertNull(r.getAs("value"), () -> "value of " + r);
      assertEquals(0L, (long) r.<Long>getAs("rows"), () -> "rows of " + r);
      assertEquals(0L, (long) r.<Long>getAs("invalid_rows"), () -> "invalid_rows of " + r);
      assertNull(r.getAs("invalid_reasons"), () -> "invalid_reasons of " + r);
    }
  }

  /** Outputs of the losses: mse_gradient has two extra outputs. */
  private static int outputs(String losses) {
    return losses.split(",(?![^()]*\\))").length + 2;
  }

  @ParameterizedTest(name = "{0}, keys {1}")
  @CsvSource({"auto,false", "auto,true", "columnar,false", "columnar,true", "compiled,false", "compiled,true",
      "compiled+vectors,false", "compiled+vectors,true", "aggregator,false", "aggregator,true"})
  void anInputWithoutRowsGivesNullOverallRows(String engine, boolean keyed, SparkSession spark,
      @TempDir Path tmp) {
    String in = emptyParquet(spark, tmp.resolve("in"));
    List<String> args = new ArrayList<>(List.of("--losses", losses(engine), "--invalid", "fail"));
    if (keyed) {
      args.addAll(List.of("--partition-by", "date,model"));
    }
    Outcome o = run(engine, in, tmp.resolve("report"), args.toArray(new String[0]));
    assertEquals(0, o.code(), o::toString);
    assertEmptyOverall(report(spark, tmp.resolve("report")), outputs(losses(engine)), o);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"auto", "compiled", "compiled+vectors", "aggregator"})
  void aFilterMatchingNothingGivesNullOverallRows(String engine, SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(60, 3, D1, D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    Outcome o = run(engine, in, tmp.resolve("report"), "--losses", losses(engine), "--partition-by", "date,model",
        "--where", "date = '1999-01-01'");
    assertEquals(0, o.code(), o::toString);
    assertEmptyOverall(report(spark, tmp.resolve("report")), outputs(losses(engine)), o);
  }

  /**
   * Several Parquet files in one directory, some with no rows, one partition per file; with a filter (on
   * the engines that take one) that leaves further partitions and keys empty. Values as the formulas give
   * them over the rows that remain.
   */
  @ParameterizedTest(name = "{0}, keys {1}, filter {2}")
  @CsvSource({"auto,false,false", "auto,true,true", "columnar,false,false", "columnar,true,false",
      "compiled,false,true", "compiled+vectors,true,false", "aggregator,true,true"})
  void emptyFilesAndPartitionsAmongOthers(String engine, boolean keyed, boolean filter, SparkSession spark,
      @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(90, 11, D1, D2);
    Path dir = tmp.resolve("in");
    JobFixtures.writeParquet(spark, rows.subList(0, 40), dir, 2);
    JobFixtures.frame(spark, List.of()).coalesce(1).write().mode("append").parquet(dir.toString());
    // rows of D1 only, then an empty file again
    List<Pred> d1 = rows.subList(40, 90).stream().filter(p -> p.date().equals(D1)).toList();
    JobFixtures.frame(spark, d1).coalesce(1).write().mode("append").parquet(dir.toString());
    JobFixtures.frame(spark, List.of()).coalesce(1).write().mode("append").parquet(dir.toString());
    assertTrue(dir.toFile().list((d, n) -> n.endsWith(".parquet")).length >= 4);

    List<Pred> all = new ArrayList<>(rows.subList(0, 40));
    all.addAll(d1);
    Predicate<Pred> kept = filter ? p -> p.date().equals(D2) : p -> true;
    List<Pred> expected = all.stream().filter(kept).toList();

    boolean vectors = engine.endsWith("+vectors"); // a vector loss runs beside the scalar ones
    List<String> args = new ArrayList<>(List.of("--losses", "mse,r2,mae" + (vectors ? "," + VECTOR : ""),
        "--weight", "weight"));
    args.addAll(List.of(FILE_PER_PARTITION));
    if (keyed) {
      args.addAll(List.of("--partition-by", "date,model"));
    }
    if (filter) {
      args.addAll(List.of("--where", "date = '" + D2 + "'"));
    }
    Outcome o = run(engine, dir.toString(), tmp.resolve("report"), args.toArray(new String[0]));
    assertEquals(0, o.code(), o::toString);

    List<String> keys = keyed ? List.of("date", "model") : List.of();
    Map<String, Row> report = JobFixtures.byKey(spark.read().parquet(tmp.resolve("report").toString()), keys);
    Map<String, List<Pred>> groups = JobFixtures.groups(expected, p -> p.date() + "|" + p.model());
    int expectedRows = (vectors ? 4 : 3) * (1 + (keyed ? groups.size() : 0));
    assertEquals(expectedRows, report.size(), () -> report.keySet() + "\n" + o);
    for (String loss : List.of("mse", "r2", "mae")) {
      Object[] nulls = keys.stream().map(k -> "null").toArray();
      check(report.get(JobFixtures.key(ReportRows.OVERALL, loss, nulls)), loss, expected);
      if (keyed) {
        groups.forEach((k, g) -> check(report.get(JobFixtures.key("date,model", loss, (Object[]) k.split("\\|"))),
            loss, g));
      }
    }
  }

  private static void check(Row r, String loss, List<Pred> rows) {
    assertNotNull(r, () -> "no report row for " + loss);
    assertEquals(rows.size(), (long) r.<Long>getAs("rows"), () -> "rows of " + r);
    assertEquals(0L, (long) r.<Long>getAs("invalid_rows"), () -> "invalid_rows of " + r);
    Approx.assertClose(JobFixtures.formula(loss, rows, true), r.getAs("value"), 1e-12, 1e-14, loss + " " + r);
  }

  /** A key whose every row is invalid has a row with null value, rows 0 and its invalid rows counted. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"auto", "columnar", "compiled", "compiled+vectors", "aggregator"})
  void aKeyWithoutValidRowsIsNullWithItsInvalidRows(String engine, SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = new ArrayList<>(JobFixtures.generate(40, 5, D1, D2));
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).date().equals(D2) && rows.get(i).model().equals("b")) {
        rows.set(i, rows.get(i).withLabel(null));
      }
    }
    long bad = rows.stream().filter(p -> p.label() == null).count();
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    Outcome o = run(engine, in, tmp.resolve("report"), "--losses",
        "mse,r2" + (engine.endsWith("+vectors") ? "," + VECTOR : ""), "--partition-by", "date,model",
        "--invalid", "skip");
    assertEquals(0, o.code(), o::toString);
    Map<String, Row> report = JobFixtures.byKey(spark.read().parquet(tmp.resolve("report").toString()),
        List.of("date", "model"));
    for (String loss : List.of("mse", "r2")) {
      Row r = report.get(JobFixtures.key("date,model", loss, D2, "b"));
      assertNotNull(r, () -> report.keySet().toString());
      assertNull(r.getAs("value"));
      assertEquals(0L, (long) r.<Long>getAs("rows"));
      assertEquals(bad, (long) r.<Long>getAs("invalid_rows"));
      assertEquals("null=" + bad, r.getAs("invalid_reasons"));
    }
  }
}
