package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sparklossreport.testing.JobFixtures.ok;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The report identity of spec/job.md: (grouping, key values, loss). {@code overwrite} replaces exactly
 * the rows whose identity a run computes; rows of losses it did not compute stay; the {@code scope} column
 * says which input (the run's {@code --where}) every row describes. Expected values come from the plain
 * loops of {@link JobFixtures}, not from the job.
 */
@ExtendWith(SharedSparkSession.class)
class ReportIdentityTest {
  private static final List<String> KEYS = List.of("date", "model");
  private static final String[] DATES = {"2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"};

  @ParameterizedTest(name = "{0} report")
  @ValueSource(strings = {"parquet", "json", "delta"})
  void aRunOfFewerLossesOnOneDateKeepsEveryOtherRow(String format, SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = JobFixtures.generate(300, 31, DATES);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String out = tmp.resolve("report").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--output", out,
        "--output-format", format);
    Map<String, Row> first = report(spark, out, format);
    assertEquals(5 * 2 * 2 + 2, first.size(), first.keySet().toString());

    String where = "date = '" + DATES[1] + "'";
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse", "--where", where, "--output", out,
        "--output-format", format);
    Map<String, Row> second = report(spark, out, format);
    assertEquals(first.keySet(), second.keySet(), "no row may be lost or added");

    List<Pred> day = rows.stream().filter(p -> p.date().equals(DATES[1])).toList();
    for (String model : List.of("a", "b")) {
      String mse = JobFixtures.key("date,model", "mse", DATES[1], model);
      List<Pred> key = day.stream().filter(p -> p.model().equals(model)).toList();
      Approx.assertClose(JobFixtures.mean(key, false, JobFixtures::se), second.get(mse).getAs("value"), 1e-12, 0, mse);
      assertEquals(where, second.get(mse).getAs("scope"), mse);
      assertNotEquals(first.get(mse).<String>getAs("run_id"), second.get(mse).getAs("run_id"), mse);
      String mae = JobFixtures.key("date,model", "mae", DATES[1], model);
      assertEquals(first.get(mae), second.get(mae), mae + ": a loss the second run did not compute stays as it was");
    }
    for (String date : new String[] {DATES[0], DATES[2], DATES[3], DATES[4]}) {
      for (String model : List.of("a", "b")) {
        for (String loss : List.of("mse", "mae")) {
          String k = JobFixtures.key("date,model", loss, date, model);
          assertEquals(first.get(k), second.get(k), k + " must be untouched");
        }
      }
    }
    // overall: mse now describes the filtered run, and says so; mae still describes the whole first run.
    Row overallMse = second.get(JobFixtures.key(ReportRows.OVERALL, "mse", null, null));
    Approx.assertClose(JobFixtures.mean(day, false, JobFixtures::se), overallMse.getAs("value"), 1e-12, 0, "overall mse");
    assertEquals(where, overallMse.getAs("scope"));
    assertEquals((long) day.size(), (long) overallMse.getAs("rows"));
    Row overallMae = second.get(JobFixtures.key(ReportRows.OVERALL, "mae", null, null));
    assertNotNull(overallMae, "the overall mae row of the first run stays");
    assertNull(overallMae.getAs("scope"));
    assertEquals((long) rows.size(), (long) overallMae.getAs("rows"));
    Approx.assertClose(JobFixtures.mean(rows, false, JobFixtures::ae), overallMae.getAs("value"), 1e-12, 0, "overall mae");
  }

  private static Map<String, Row> report(SparkSession spark, String path, String format) {
    return JobFixtures.byKey(JobFixtures.readReport(spark, path, format, JobFixtures.REPORT), new ArrayList<>(KEYS));
  }
}
