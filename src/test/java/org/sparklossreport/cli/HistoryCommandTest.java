package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * History from the command line: the job with {@code --history-by} bands its night against the earlier rows of
 * its own output (expected and sd checked against Spark SQL's {@code avg} and {@code stddev_samp} over those
 * rows), gates on {@code anomaly} and {@code z} (exit 3; exit 2 without a history), the anomaly stays out of
 * the next night's history, the {@code history} command agrees with the job on an existing report, and
 * {@code rollup --history-by week} does the same on weekly reports from saved states.
 */
@SparkTest
class HistoryCommandTest {
  private static final StructType INPUT = new StructType().add("date", DataTypes.StringType)
      .add("week", DataTypes.IntegerType).add("model", DataTypes.StringType)
      .add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType);

  /** 12 nights × 2 models × 60 rows; model b is 4 times noisier on night 10 (2026-11-10). */
  private static String input(SparkSession spark, Path dir) {
    Random r = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int night = 1; night <= 12; night++) {
      for (String model : List.of("a", "b")) {
        double noise = model.equals("b") && night == 10 ? 2.0 : 0.5;
        for (int i = 0; i < 60; i++) {
          double y = r.nextGaussian();
          rows.add(RowFactory.create(String.format("2026-11-%02d", night), night, model, y, y + noise * r.nextGaussian()));
        }
      }
    }
    spark.createDataFrame(rows, INPUT).coalesce(1).write().parquet(dir.toString());
    return dir.toString();
  }

  @Test
  void theJobBandsItsNightAgainstItsOwnOutput(SparkSession spark, @TempDir Path tmp) {
    String in = input(spark, tmp.resolve("in"));
    String out = tmp.resolve("report").toString();
    List<String> job = List.of("--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--output", out);
    JobFixtures.ok(args(job, "--where", "date <= '2026-11-09'")); // nine nights written without history

    JobFixtures.Outcome night10 = JobFixtures.run(args(job, "--where", "date = '2026-11-10'", "--history-by", "date",
        "--history-min", "5", "--fail-if", "anomaly(mse) > 0", "--fail-if", "z(mae) > 100"));
    assertEquals(3, night10.code(), night10::toString);
    assertTrue(night10.err().contains("gate failed: anomaly(mse) > 0"), night10.err());
    assertTrue(!night10.err().contains("z(mae) > 100"), night10.err());
    assertTrue(night10.out().contains("history by date: 4 row(s) banded, 2 anomalies"), night10.out());
    assertTrue(night10.out().contains("date=2026-11-10,model=b"), night10.out());

    Dataset<Row> report = spark.read().parquet(out);
    report.createOrReplaceTempView("history_report");
    for (Row r : spark.sql("SELECT t.model, t.loss, t.expected, t.band_high, t.history_n, t.anomaly, t.value,"
        + " e.mean, e.sd FROM history_report t JOIN (SELECT model, loss, avg(value) AS mean, stddev_samp(value) AS sd"
        + " FROM history_report WHERE grouping = 'date,model' AND date < '2026-11-10' GROUP BY model, loss) e"
        + " ON t.model = e.model AND t.loss = e.loss WHERE t.date = '2026-11-10' AND t.grouping = 'date,model'")
        .collectAsList()) {
      String what = r.getString(0) + " " + r.getString(1);
      assertEquals(r.getDouble(7), r.getDouble(2), 1e-12, what + " expected");
      assertEquals(r.getDouble(7) + 3 * r.getDouble(8), r.getDouble(3), 1e-12, what + " band_high");
      assertEquals(9, r.getInt(4), what);
      assertEquals(r.getString(0).equals("b"), r.getBoolean(5), what + " anomaly");
    }
    assertEquals(0, report.where("date < '2026-11-10' AND expected IS NOT NULL").count(), "earlier rows unchanged");
    assertNull(report.where("grouping = 'overall'").first().getAs("anomaly"));

    // Night 11: b's anomalous night 10 stays out of its history; a's stays in.
    JobFixtures.ok(args(job, "--where", "date = '2026-11-11'", "--history-by", "date", "--history-min", "5"));
    Dataset<Row> n11 = spark.read().parquet(out).where("date = '2026-11-11' AND grouping = 'date,model' AND loss = 'mse'");
    assertEquals(10, (int) n11.where("model = 'a'").first().<Integer>getAs("history_n"));
    assertEquals(9, (int) n11.where("model = 'b'").first().<Integer>getAs("history_n"));

    // The history command on the report bands the newest night as the job did.
    JobFixtures.Outcome cmd = JobFixtures.ok("history", "--report", out, "--history-by", "date", "--history-min", "5",
        "--output", tmp.resolve("banded").toString());
    assertTrue(cmd.out().contains("history of " + out + ": date = 2026-11-11, 4 row(s)"), cmd.out());
    List<Row> job11 = n11.orderBy("model").select("expected", "band_low", "band_high", "z", "history_n").collectAsList();
    List<Row> cmd11 = spark.read().parquet(tmp.resolve("banded").toString())
        .where("grouping = 'date,model' AND loss = 'mse'").orderBy("model")
        .select("expected", "band_low", "band_high", "z", "history_n").collectAsList();
    assertEquals(job11, cmd11);
  }

  @Test
  void historyGatesAndOptionsNeedAHistory(SparkSession spark, @TempDir Path tmp) {
    String in = input(spark, tmp.resolve("in"));
    String out = tmp.resolve("report").toString();
    assertSays(JobFixtures.usageError("--input", in, "--partition-by", "date,model", "--losses", "mse", "--output", out,
        "--fail-if", "anomaly(mse) > 0"), "anomaly needs a history: add --history-by COL");
    assertSays(JobFixtures.usageError("--input", in, "--partition-by", "date,model", "--losses", "mse", "--output", out,
        "--band", "robust"), "--band needs --history-by COL");
    assertSays(JobFixtures.usageError("--input", in, "--partition-by", "model", "--losses", "mse", "--output", out,
        "--history-by", "date"), "--history-by date is not a --partition-by key (model)");
    assertSays(JobFixtures.usageError("--input", in, "--partition-by", "date,model", "--losses", "mse", "--output", out,
        "--history-by", "date", "--fail-if", "z(mae) > 4"), "loss mae is not in this run's report");
    String noReport = JobFixtures.usageError("history", "--report", out, "--history-by", "date");
    assertTrue(noReport.contains("--report '"), noReport);
    assertSays(JobFixtures.usageError("history", "--history-by", "date", "--states", "x"), "unknown option --states (see history --help");
    assertEquals(false, tmp.resolve("report").toFile().exists(), "nothing written by a usage error");
  }

  @Test
  void rollupBandsWeeklyReportsFromSavedStates(SparkSession spark, @TempDir Path tmp) {
    String in = input(spark, tmp.resolve("in"));
    String states = tmp.resolve("states").toString();
    JobFixtures.ok("--input", in, "--partition-by", "week,model", "--losses", "mse", "--output",
        tmp.resolve("nightly").toString(), "--states", states);
    String weekly = tmp.resolve("weekly").toString();
    JobFixtures.ok("rollup", "--states", states, "--where", "week <= 9", "--output", weekly);
    JobFixtures.Outcome week10 = JobFixtures.run("rollup", "--states", states, "--where", "week = 10", "--output",
        weekly, "--history-by", "week", "--history-min", "5", "--band", "robust", "--fail-if", "week,model: z(mse) > 3");
    assertEquals(3, week10.code(), week10::toString);
    assertTrue(week10.out().contains("history by week: 2 row(s) banded, 1 anomaly"), week10.out());
    Row b = spark.read().parquet(weekly).where("week = 10 AND model = 'b' AND grouping = 'week,model'").first();
    assertEquals("robust", b.getAs("band_method"));
    assertEquals(true, b.getAs("anomaly"));
  }

  private static void assertSays(String line, String part) {
    assertTrue(line.contains(part), line);
  }

  private static String[] args(List<String> common, String... more) {
    List<String> all = new ArrayList<>(common);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
