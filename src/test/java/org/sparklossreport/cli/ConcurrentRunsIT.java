package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.output.FileReportWriter;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.ColdJvm;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * Two real job processes ({@code submit/loss-report}, embedded local Spark, one JVM each, started with
 * {@link ColdJvm#OPTIONS}) started together on one output, for two dates: both exit 0, both dates' rows
 * land, and the overall rows are those of one of the two runs (the later commit), with their scope.
 * Parquet, one round on a seeded output: the rows of a third date written before stay, the stale rows of
 * the first date written before are replaced and the second date's are added, in the same round (so the
 * round both adds to and replaces in an output another run is writing); the runs hold the output lock in
 * turn (a test-only pause with the lock held makes them overlap for sure). Delta, two rounds on no table:
 * the first round's two runs both create the table (Delta's commit of version 0 decides, the other
 * merges), the second round's two runs both merge into it (a third round would repeat the second);
 * Delta's commit protocol orders them.
 */
@ExtendWith(SharedSparkSession.class)
class ConcurrentRunsIT {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")));
  private static final String D3 = "2026-11-03";
  private static final List<String> KEYS = List.of("date", "model");

  @ParameterizedTest(name = "{0} output, {1} rounds")
  @CsvSource({"parquet, 1", "delta, 2"})
  void concurrentRunsForTwoDatesBothLand(String format, int rounds, SparkSession spark, @TempDir Path tmp)
      throws Exception {
    List<Pred> rows = JobFixtures.generate(240, 41, JobFixtures.D1, JobFixtures.D2, D3);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String out = tmp.resolve("report").toString();
    // Parquet: a report of a third date first, which the concurrent runs must keep, with stale rows of the
    // first date (of part of its rows only), which the run of that date must replace. Delta: no table yet,
    // so the first round's two runs both create it (Delta's commit of version 0 decides, the other merges).
    boolean seeded = format.equals("parquet");
    if (seeded) {
      JobFixtures.ok("--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--where",
          "date = '" + D3 + "' OR (date = '" + JobFixtures.D1 + "' AND label > 10)", "--output", out,
          "--output-format", format);
    }
    Map<String, Row> base = seeded
        ? JobFixtures.byKey(JobFixtures.readReport(spark, out, format, JobFixtures.REPORT), KEYS) : Map.of();
    if (seeded) {
      assertEquals(2 * 2 * 2 + 2, base.size(), "seeded: D3 and D1, 2 models, 2 losses, overall: " + base.keySet());
    }
    boolean waited = false;
    for (int round = 0; round < rounds; round++) {
      Process a = job(tmp, format + round + "a", in, out, format, JobFixtures.D1);
      Process b = job(tmp, format + round + "b", in, out, format, JobFixtures.D2);
      String ra = finish(a, tmp, format + round + "a");
      String rb = finish(b, tmp, format + round + "b");
      waited |= log(tmp, format + round + "a").contains("Waiting for output lock")
          || log(tmp, format + round + "b").contains("Waiting for output lock");

      Map<String, Row> report = JobFixtures.byKey(JobFixtures.readReport(spark, out, format, JobFixtures.REPORT), KEYS);
      assertEquals((seeded ? 3 : 2) * 2 * 2 + 2, report.size(), "round " + round + ": " + report.keySet());
      for (String model : List.of("a", "b")) {
        for (String loss : List.of("mse", "mae")) {
          String k3 = JobFixtures.key("date,model", loss, D3, model);
          assertEquals(base.get(k3), report.get(k3), k3 + " must be untouched");
          if (seeded) { // the seeded stale rows of D1 (part of its rows): replaced by the run of D1 (check below)
            Row stale = base.get(JobFixtures.key("date,model", loss, JobFixtures.D1, model));
            assertNotNull(stale, "seeded D1 " + model + " " + loss);
            List<Pred> key = rows.stream().filter(p -> p.date().equals(JobFixtures.D1) && p.model().equals(model))
                .toList();
            assertTrue((long) stale.getAs("rows") < key.size(), "the seeded D1 rows are of part of the date: " + stale);
          }
          check(report, rows, JobFixtures.D1, model, loss, ra);
          check(report, rows, JobFixtures.D2, model, loss, rb);
        }
      }
      for (String loss : List.of("mse", "mae")) {
        Row overall = report.get(JobFixtures.key(ReportRows.OVERALL, loss, null, null));
        String scope = overall.getAs("scope");
        String run = overall.getAs("run_id");
        assertTrue(Set.of(ra, rb).contains(run), "overall " + loss + " from run " + run);
        String date = run.equals(ra) ? JobFixtures.D1 : JobFixtures.D2;
        assertEquals("date = '" + date + "'", scope);
        List<Pred> day = rows.stream().filter(p -> p.date().equals(date)).toList();
        assertEquals((long) day.size(), (long) overall.getAs("rows"));
      }
    }
    if (format.equals("parquet")) {
      assertTrue(waited, "the runs never met at the lock: the test did not test concurrency");
    }
  }

  private static void check(Map<String, Row> report, List<Pred> rows, String date, String model, String loss,
      String run) {
    String k = JobFixtures.key("date,model", loss, date, model);
    Row r = report.get(k);
    assertNotNull(r, k);
    List<Pred> key = rows.stream().filter(p -> p.date().equals(date) && p.model().equals(model)).toList();
    double expected = JobFixtures.mean(key, false, loss.equals("mse") ? JobFixtures::se : JobFixtures::ae);
    Approx.assertClose(expected, r.getAs("value"), 1e-12, 0, k);
    assertEquals((long) key.size(), (long) r.getAs("rows"), k);
    assertEquals(run, r.getAs("run_id"), k);
  }

  private static Process job(Path tmp, String name, String in, String out, String format, String date)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/loss-report").toString(),
        "--master", "local[1]", "--driver-memory", "1g",
        "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.showConsoleProgress=false",
        // Delta's state of the table from its log: 2 partitions, not 50 (50 tasks per read of a few files).
        "--conf", "spark.databricks.delta.snapshotPartitions=2",
        // Each run holds the lock 5 s before it writes: runs started together meet at the lock for sure.
        "--conf", FileReportWriter.HOLD_CONF + "=5000",
        "--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--where", "date = '" + date + "'",
        "--output", out, "--output-format", format));
    ProcessBuilder pb = ColdJvm.script(ROOT, cmd, tmp.resolve(name + ".out"), tmp.resolve(name + ".err"));
    return pb.start();
  }

  /** Waits for a job process, checks exit 0, and returns its run id. */
  private static String finish(Process p, Path tmp, String name) throws Exception {
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in 5 minutes");
    }
    String stdout = Files.readString(tmp.resolve(name + ".out"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), () -> name + " failed:\n" + stdout + "\n" + tail(log(tmp, name)));
    Matcher m = Pattern.compile("\\(run ([^)]+)\\)").matcher(stdout);
    assertTrue(m.find(), stdout);
    return m.group(1);
  }

  private static String log(Path tmp, String name) {
    try {
      return Files.readString(tmp.resolve(name + ".err"), StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
  }
}
