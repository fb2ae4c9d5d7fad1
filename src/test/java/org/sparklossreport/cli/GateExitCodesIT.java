package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.ColdJvm;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The exit codes a scheduler reads, from {@code submit/loss-report} itself (a process, as cron or Airflow
 * starts it): 0 when every gate passes, 3 when one fails (the report and the gates' JSON written, a
 * {@code gate failed:} line), 2 for a gate that is not one (before Spark starts), for every output format
 * alike. Each case is a cold JVM of its own (with {@link ColdJvm#OPTIONS}); the three run side by side.
 */
@ExtendWith(SharedSparkSession.class)
class GateExitCodesIT {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")));

  @Test
  void exitCodesZeroThreeAndTwoFromTheCommand(SparkSession spark, @TempDir Path tmp) throws Exception {
    // model b predicts with less noise than a: its mse is lower everywhere
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(2000, 8, JobFixtures.D1), tmp.resolve("in"), 1);
    List<String> common = List.of("--input", in, "--partition-by", "model", "--losses", "mse", "--compare-by", "model",
        "--baseline", "a");

    // The three processes run side by side (separate outputs): each JVM's start is mostly one thread.
    Started passing = start(tmp, "pass", common, "--output", tmp.resolve("r0").toString(),
        "--fail-if", "delta(mse) > 0", "--gates-output", tmp.resolve("g0.json").toString());
    Started failing = start(tmp, "fail", common, "--output", tmp.resolve("r3").toString(), "--output-format", "json",
        "--fail-if", "delta(mse) < 0", "--gates-output", tmp.resolve("g3.json").toString());
    Started invalid = start(tmp, "bad", common, "--output", tmp.resolve("r2").toString(),
        "--fail-if", "delta(mse) => 0");

    try {
      Run pass = passing.finish();
      assertEquals(0, pass.code, pass.toString());
      assertTrue(new ObjectMapper().readTree(tmp.resolve("g0.json").toFile()).get("passed").asBoolean());

      Run fail = failing.finish();
      assertEquals(3, fail.code, fail.toString());
      assertTrue(fail.err.lines().anyMatch(l -> l.startsWith("gate failed: delta(mse) < 0 (1 of 3 row(s)")
          && l.contains("model=b delta=")), fail.toString());
      assertTrue(Files.exists(tmp.resolve("r3")) && spark.read().json(tmp.resolve("r3").toString()).count() == 3,
          "the report is written although a gate failed");
      JsonNode g = new ObjectMapper().readTree(tmp.resolve("g3.json").toFile());
      assertFalse(g.get("passed").asBoolean());
      assertEquals(1, g.get("gates").get(0).get("rows_failed").asLong());

      Run bad = invalid.finish();
      assertEquals(2, bad.code, bad.toString());
      assertTrue(bad.err.lines().anyMatch(l -> l.startsWith("error: --fail-if 'delta(mse) => 0'")), bad.toString());
      assertFalse(Files.exists(tmp.resolve("r2")), "nothing written");
    } finally { // an assertion failed early: the others need not finish
      for (Started p : List.of(passing, failing, invalid)) {
        p.process().destroyForcibly();
      }
    }
  }

  private record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr (tail)\n"
          + err.substring(Math.max(0, err.length() - 4000));
    }
  }

  /** A started {@code submit/loss-report} process and where its output goes. */
  private record Started(String name, Process process, Path out, Path err) {
    /** Waits for the process (at most 5 minutes) and returns its exit code and output. */
    Run finish() throws Exception {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not finish in 5 minutes");
      }
      return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.ISO_8859_1));
    }
  }

  private static Started start(Path tmp, String name, List<String> common, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/loss-report").toString(), "--master", "local[1]",
        "--driver-memory", "1g", "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.ui.showConsoleProgress=false"));
    cmd.addAll(common);
    cmd.addAll(List.of(more));
    Path out = tmp.resolve(name + ".out");
    Path err = tmp.resolve(name + ".err");
    ProcessBuilder pb = ColdJvm.script(ROOT, cmd, out, err);
    return new Started(name, pb.start(), out, err);
  }
}
