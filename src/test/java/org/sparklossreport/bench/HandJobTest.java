package org.sparklossreport.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.cli.Main;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.SparkTest;

/**
 * The cold benchmark compares like with like: on a small input of each shape, the hand-written job's
 * value of every loss and key equals the job's report value (the job run through {@link Main#run} with the
 * losses {@link ColdBenchmark} gives it), and the job counts every row valid.
 */
@SparkTest
class HandJobTest {
  /** The job's compensated sums against the hand job's plain ones over at most a few hundred rows a key. */
  private static final double REL = 1e-9;
  /** 10,000 arith rows; 2,000 keys rows over 100 keys; 500 vectors rows. */
  private static final double SCALE = 0.0005;

  @ParameterizedTest
  @ValueSource(strings = {"arith", "keys", "vectors"})
  void handJobValuesEqualTheJobsReport(String shape, SparkSession spark, @TempDir Path tmp) {
    String input = ColdData.ensure(spark, shape, tmp.toString(), SCALE, new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String hand = tmp.resolve("hand").toString();
    String report = tmp.resolve("report").toString();

    HandJob.run(spark, shape, input, hand);
    runJob(input, report, ColdBenchmark.LOSSES.get(shape));

    List<String> specs = Losses.splitTopLevel(ColdBenchmark.LOSSES.get(shape));
    String[] columns = HandJob.aggregate(spark.read().parquet(input), shape).columns();
    assertEquals(specs.size() + 1, columns.length, "one hand-written column per loss of the job, after key");
    Map<String, Double> job = jobValues(spark, report);
    List<Row> handRows = spark.read().parquet(hand).collectAsList();
    assertEquals(ColdData.size(shape, SCALE).keys(), handRows.size(), "every key in the hand job's output");
    assertEquals(handRows.size() * specs.size(), job.size(), "every key and loss in the job's report");
    for (Row r : handRows) {
      for (int i = 0; i < specs.size(); i++) {
        String id = r.getAs("key") + "|" + specs.get(i);
        double expected = job.get(id);
        double actual = r.getDouble(r.fieldIndex(columns[i + 1]));
        assertTrue(Math.abs(actual - expected) <= REL * Math.max(Math.abs(expected), Math.abs(actual)),
            id + ": hand " + actual + ", job " + expected);
      }
    }
  }

  private static void runJob(String input, String output, String losses) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--input", input, "--partition-by", "key", "--losses", losses, "--output",
        output, "--mode", "overwrite"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, () -> out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
  }

  /** The report's per-key values by "key|loss", asserting no row was counted invalid. */
  private static Map<String, Double> jobValues(SparkSession spark, String report) {
    Map<String, Double> values = new HashMap<>();
    for (Row r : spark.read().parquet(report).collectAsList()) {
      assertEquals(0L, r.<Long>getAs("invalid_rows"), () -> "invalid rows in " + r);
      if (!r.<String>getAs("grouping").equals(ReportRows.OVERALL)) {
        values.put(r.getAs("key") + "|" + r.getAs("loss"), r.getAs("value"));
      }
    }
    return values;
  }
}
