package org.sparklossreport.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.ok;
import static org.sparklossreport.testing.JobFixtures.usageError;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * Delta Lake input and output on real Delta tables (delta-spark, no mock): time travel by version and
 * by timestamp, the report written as a Delta table whose history shows one commit per run, and the
 * user's mistakes around it.
 */
@ExtendWith(SharedSparkSession.class)
class DeltaTest {

  @Test
  void readsADeltaInputAsOfAVersionOrATime(SparkSession spark, @TempDir Path tmp) {
    List<Pred> v0 = JobFixtures.generate(90, 51, JobFixtures.D1);
    List<Pred> v1 = JobFixtures.generate(70, 52, JobFixtures.D1); // other values: the table's next version
    String table = tmp.resolve("preds").toString();
    JobFixtures.frame(spark, v0).write().format("delta").save(table);
    JobFixtures.frame(spark, v1).write().format("delta").mode("overwrite").save(table);
    Timestamp atV0 = DeltaTable.forPath(spark, table).history().where("version = 0").first().getAs("timestamp");

    String out = tmp.resolve("report").toString();
    String[] common = {"--input", table, "--input-format", "delta", "--losses", "mse", "--output-format", "delta"};
    check(spark, ok(concat(common, "--output", out + "-latest")), out + "-latest", v1);
    check(spark, ok(concat(common, "--output", out + "-v0", "--input-version", "0")), out + "-v0", v0);
    check(spark, ok(concat(common, "--output", out + "-t0", "--input-timestamp", atV0.toString())), out + "-t0", v0);

    String e = usageError(concat(common, "--output", out + "-v9", "--input-version", "9"));
    assertTrue(e.contains("cannot read delta " + table) && e.contains("9"), e);
    e = usageError("--input", table, "--losses", "mse", "--output", out + "-x", "--input-version", "0");
    assertTrue(e.contains("--input-version") && e.contains("--input-format delta"), e);
    e = usageError(concat(common, "--output", out + "-x", "--input-version", "-1"));
    assertTrue(e.contains("--input-version must be a table version"), e);
    e = usageError(concat(common, "--output", out + "-x", "--input-version", "0", "--input-timestamp", "2026-01-01"));
    assertTrue(e.contains("not both"), e);
  }

  @Test
  void theReportIsADeltaTableWithOneCommitPerRun(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(120, 53, JobFixtures.D1, JobFixtures.D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String out = tmp.resolve("report").toString();
    for (String date : List.of(JobFixtures.D1, JobFixtures.D2, JobFixtures.D1)) {
      ok("--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--where", "date = '" + date + "'",
          "--output", out, "--output-format", "delta");
    }
    assertTrue(DeltaTable.isDeltaTable(spark, out));
    assertEquals(3, DeltaTable.forPath(spark, out).history().count(), "one Delta commit per run");
    Map<String, Row> report = JobFixtures.byKey(spark.read().format("delta").load(out), List.of("date", "model"));
    assertEquals(2 * 2 * 2 + 2, report.size(), report.keySet().toString());
    // The table's first version is the first run's report: time travel works on reports too.
    assertEquals(2 * 2 + 2, spark.read().format("delta").option("versionAsOf", 0).load(out).count());

    String e = usageError("--input", in, "--losses", "mse", "--output", out, "--output-format", "delta",
        "--mode", "error-if-exists");
    assertTrue(e.contains("error-if-exists") && e.contains(out), e);
    String parquetOut = tmp.resolve("parquet-report").toString();
    ok("--input", in, "--losses", "mse", "--output", parquetOut);
    e = usageError("--input", in, "--losses", "mse", "--output", parquetOut, "--output-format", "delta");
    assertTrue(e.contains("not a Delta table"), e);
  }

  @Test
  void aTableAnotherProcessCreatedIsMergedIntoNotAppendedTo(SparkSession spark, @TempDir Path tmp) throws Exception {
    List<Pred> rows = JobFixtures.generate(60, 54, JobFixtures.D1);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    // This session looks first, while there is a log directory but no commit yet (as when another process
    // is creating the table): Delta caches a log of no version for the path.
    java.nio.file.Files.createDirectories(out.resolve("_delta_log"));
    assertTrue(!DeltaTable.isDeltaTable(spark, out.toString()));
    // Another process then creates the table: here, its files copied in from a report written elsewhere.
    Path elsewhere = tmp.resolve("elsewhere");
    ok("--input", in, "--partition-by", "date", "--losses", "mse", "--output", elsewhere.toString(),
        "--output-format", "delta");
    try (var files = java.nio.file.Files.walk(elsewhere)) {
      for (Path f : files.toList()) {
        Path to = out.resolve(elsewhere.relativize(f).toString());
        if (!java.nio.file.Files.isDirectory(to)) {
          java.nio.file.Files.copy(f, to);
        }
      }
    }
    ok("--input", in, "--partition-by", "date", "--losses", "mse", "--output", out.toString(),
        "--output-format", "delta");
    Map<String, Row> report = JobFixtures.byKey(spark.read().format("delta").load(out.toString()), List.of("date"));
    assertEquals(2, report.size(), "one row per identity, not the first process's rows and ours: " + report.keySet());
    assertEquals("MERGE", DeltaTable.forPath(spark, out.toString()).history(1).first().getAs("operation"));
  }

  @Test
  void aTableAnotherRunCreatesJustBeforeThisRunDoesIsMergedInto(SparkSession spark, @TempDir Path tmp) throws Exception {
    // The race of two runs creating a new table, at its narrowest: the other run commits the table after this
    // run found none and before its own transaction starts. Delta then refuses at once (DELTA_PATH_EXISTS,
    // a checked AnalysisException), and this run must merge, not fail with Delta's error.
    List<Pred> rows = JobFixtures.generate(60, 55, JobFixtures.D1);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    Path elsewhere = tmp.resolve("elsewhere");
    ok("--input", in, "--partition-by", "date", "--losses", "mse", "--where", "label > 10", "--output",
        elsewhere.toString(), "--output-format", "delta");
    int[] created = {0};
    DeltaReportWriter.beforeCreate = () -> {
      created[0]++;
      try (var files = java.nio.file.Files.walk(elsewhere)) { // the other run's table, committed
        for (Path f : files.toList()) {
          Path to = out.resolve(elsewhere.relativize(f).toString());
          if (java.nio.file.Files.isDirectory(f)) {
            java.nio.file.Files.createDirectories(to);
          } else {
            java.nio.file.Files.copy(f, to);
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    JobFixtures.Outcome o;
    try {
      o = JobFixtures.run("--input", in, "--partition-by", "date", "--losses", "mse", "--output", out.toString(),
          "--output-format", "delta");
    } finally {
      DeltaReportWriter.beforeCreate = () -> { };
    }
    assertEquals(1, created[0], "the other run created the table once");
    assertEquals(0, o.code(), o.toString());
    Map<String, Row> report = JobFixtures.byKey(spark.read().format("delta").load(out.toString()), List.of("date"));
    assertEquals(2, report.size(), "one row per identity: " + report.keySet());
    assertEquals(rows.size(), ((Number) report.get(JobFixtures.key("date", "mse", JobFixtures.D1)).getAs("rows"))
        .intValue(), "this run's rows replaced the other run's (of part of the rows)");
    assertEquals("MERGE", DeltaTable.forPath(spark, out.toString()).history(1).first().getAs("operation"));
  }

  @Test
  void statesSavedAsADeltaTableMergeByIdentityAndRollUp(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(200, 17, JobFixtures.D1, JobFixtures.D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String states = tmp.resolve("states").toString();
    for (String day : List.of(JobFixtures.D1, JobFixtures.D2, JobFixtures.D1)) { // D1 twice: replaced, not added
      ok("--input", in, "--where", "date = '" + day + "'", "--partition-by", "date,model", "--losses", "mse,r2",
          "--output", tmp.resolve("report").toString(), "--output-format", "delta", "--states", states);
    }
    assertTrue(DeltaTable.isDeltaTable(spark, states));
    assertEquals(3, DeltaTable.forPath(spark, states).history().count(), "one Delta commit per run");
    assertEquals(2 * 2 * 2, spark.read().format("delta").load(states).count());
    String weekly = tmp.resolve("weekly").toString();
    ok("rollup", "--states", states, "--grouping-sets", "overall", "--output", weekly);
    Row mse = spark.read().parquet(weekly).where("loss = 'mse'").first();
    Approx.assertClose(JobFixtures.mean(rows, false, JobFixtures::se), mse.getAs("value"), 1e-12, 0, "overall mse");
    assertEquals((long) rows.size(), (long) mse.getAs("rows"));
    Row r2 = spark.read().parquet(weekly).where("loss = 'r2'").first();
    Approx.assertClose(JobFixtures.r2(rows, false), r2.getAs("value"), 1e-10, 0, "overall r2");
  }

  private static void check(SparkSession spark, JobFixtures.Outcome o, String out, List<Pred> rows) {
    Row overall = spark.read().format("delta").load(out).where("loss = 'mse'").first();
    Approx.assertClose(JobFixtures.mean(rows, false, JobFixtures::se), overall.getAs("value"), 1e-12, 0, o.out());
    assertEquals((long) rows.size(), (long) overall.getAs("rows"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
