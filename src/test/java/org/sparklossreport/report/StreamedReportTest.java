package org.sparklossreport.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * The streamed write ({@link StreamedReport}: the keys' report rows written as the merge makes them, the
 * summary and the overall rows after) gives the report, summary and errors that the persisted key states
 * give ({@value ReportRun#STREAMED_CONF}=false), on dirty weighted input, into a new output and into
 * one that holds an earlier report.
 */
@SparkTest
class StreamedReportTest {
  private static final String LOSSES = "mse,mae,rmse,r2,huber(delta=1.5)";

  /** 600 rows over 2 dates × 2 models and 3 more keys; nulls, NaN, an infinite weight and a zero-weight key. */
  private static List<Pred> dirty() {
    List<Pred> rows = new ArrayList<>(JobFixtures.generate(600, 71, D1, D2));
    rows.set(3, rows.get(3).withLabel(null));
    rows.set(10, rows.get(10).withPrediction(Double.NaN));
    rows.set(17, rows.get(17).withWeight(Double.POSITIVE_INFINITY));
    for (int i = 0; i < 30; i++) {
      String model = "m" + (i % 3);
      Pred p = rows.get(100 + i).withKey("2026-11-03", model);
      rows.set(100 + i, model.equals("m2") ? p.withWeight(0.0) : p);
    }
    return rows;
  }

  @ParameterizedTest
  @ValueSource(strings = {"parquet", "csv"})
  void theStreamedWriteGivesTheReportThePersistedStatesGive(String format, SparkSession spark, @TempDir Path tmp)
      throws Exception {
    String in = JobFixtures.writeParquet(spark, dirty(), tmp.resolve("in"), 3);
    Map<String, List<Object>> streamed = null;
    for (String on : List.of("true", "false")) {
      String out = tmp.resolve("report-" + on).toString();
      JobFixtures.Outcome o = JobFixtures.ok("--input", in, "--partition-by", "date,model", "--losses", LOSSES,
          "--weight", "weight", "--invalid", "skip", "--output", out, "--output-format", format,
          "--conf", ReportRun.STREAMED_CONF + "=" + on);
      assertTrue(o.out().contains("overall"), o.out());
      Map<String, List<Object>> report = values(spark, out, format);
      assertEquals((7 + 1) * 5, report.size(), report.keySet().toString()); // 7 keys and overall, 5 losses
      if (streamed == null) {
        streamed = report;
      } else {
        assertSame(streamed, report);
      }
    }
  }

  /**
   * Into an output that holds a report of other keys and of the same ones: {@code overwrite} keeps the
   * other keys' rows and replaces this run's, the overall rows included (written after the keys' rows).
   */
  @ParameterizedTest
  @ValueSource(strings = {"parquet", "csv"})
  void anEarlierReportIsMergedAsThePersistedStatesMergeIt(String format, SparkSession spark, @TempDir Path tmp)
      throws Exception {
    List<Pred> rows = dirty();
    String first = JobFixtures.writeParquet(spark, rows.subList(0, 300), tmp.resolve("first"), 2);
    String second = JobFixtures.writeParquet(spark, rows.subList(200, 600), tmp.resolve("second"), 2);
    Map<String, List<Object>> streamed = null;
    for (String on : List.of("true", "false")) {
      String out = tmp.resolve("report-" + on).toString();
      for (String in : List.of(first, second)) {
        JobFixtures.ok("--input", in, "--partition-by", "date,model", "--losses", LOSSES, "--weight", "weight",
            "--invalid", "skip", "--output", out, "--output-format", format, "--mode", "overwrite",
            "--conf", ReportRun.STREAMED_CONF + "=" + on);
      }
      Map<String, List<Object>> report = values(spark, out, format);
      assertEquals(1, report.keySet().stream().filter(k -> k.startsWith("overall|") && k.endsWith("|mse")).count());
      if (streamed == null) {
        streamed = report;
      } else {
        assertSame(streamed, report);
      }
    }
  }

  /** Under {@code fail}, the zero-weight key is named either way, and no report is left behind. */
  @Test
  void aZeroWeightKeyFailsTheRunAndLeavesNoReport(SparkSession spark, @TempDir Path tmp) throws Exception {
    List<Pred> rows = new ArrayList<>(JobFixtures.generate(400, 72, D1, D2));
    for (int i = 0; i < 20; i++) {
      rows.set(50 + i, rows.get(50 + i).withKey("2026-11-09", "z").withWeight(0.0));
    }
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    for (String on : List.of("true", "false")) {
      Path out = tmp.resolve("report-" + on);
      String error = JobFixtures.usageError("--input", in, "--partition-by", "date,model", "--losses", "mse,mae",
          "--weight", "weight", "--output", out.toString(), "--conf", ReportRun.STREAMED_CONF + "=" + on);
      assertTrue(error.contains("of key date=2026-11-09,model=z sum to 0"), error);
      assertFalse(Files.exists(out), "a report at " + out);
      try (var left = Files.list(tmp)) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.contains(".staging-")).toList());
      }
    }
  }

  /**
   * The same identities with the same counts and reasons, and values and weight sums within 1e-12
   * relative: each key's partial states may be merged in another order in the two runs.
   */
  private static void assertSame(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, e) -> {
      List<Object> a = actual.get(k);
      assertEquals(e.subList(2, 5), a.subList(2, 5), k);
      Approx.assertClose((Double) e.get(0), (Double) a.get(0), 1e-12, 0, k + " value");
      Approx.assertClose((Double) e.get(1), (Double) a.get(1), 1e-12, 0, k + " weight_sum");
    });
  }

  /** Report rows by identity (run_id and computed_at left out): value, weight_sum, rows, invalid_rows, reasons. */
  private static Map<String, List<Object>> values(SparkSession spark, String out, String format) {
    Map<String, List<Object>> m = new TreeMap<>();
    JobFixtures.byKey(JobFixtures.readReport(spark, out, format, JobFixtures.REPORT), List.of("date", "model"))
        .forEach((k, r) -> m.put(k, java.util.Arrays.asList(r.<Object>getAs("value"), r.<Object>getAs("weight_sum"),
            r.<Object>getAs("rows"), r.<Object>getAs("invalid_rows"), r.<Object>getAs("invalid_reasons"))));
    return m;
  }
}
