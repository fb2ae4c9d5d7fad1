package org.sparklossreport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.stream.StreamRows.HOUR;
import static org.sparklossreport.stream.StreamRows.MINUTE;
import static org.sparklossreport.stream.StreamRows.T0;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.stream.StreamRows.Event;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.ColdJvm;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * Exactly once across a kill: the stream's driver (a child JVM started by {@code submit/loss-report}) is
 * killed with SIGKILL in the middle of micro-batch 2, right after that batch committed its windows' states
 * and before it wrote its report rows; the same command, restarted on the same checkpoint, then ends with
 * the report, the late rows and the states an uninterrupted run gives (no row counted twice, none lost).
 * The batch carries late rows, so their count and output are checked across the kill too.
 */
@ExtendWith(SharedSparkSession.class)
class StreamKillIT {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")));
  private static final String LOSSES = "mse,mae,r2";

  @Test
  void aDriverKilledMidBatchAndRestartedGivesTheUninterruptedReport(SparkSession spark, @TempDir Path tmp)
      throws Exception {
    Random r = new Random(29);
    List<List<Event>> files = new ArrayList<>();
    for (int f = 0; f < 4; f++) {
      List<Event> rows = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        rows.add(new Event(T0 + f * HOUR + (long) (r.nextDouble() * HOUR), "m" + r.nextInt(3), r.nextGaussian(),
            r.nextGaussian(), 1.0));
      }
      if (f == 2) { // late: the window 00:00 closed after batch 1 (latest event near 02:00, watermark 30 minutes)
        for (int i = 0; i < 5; i++) {
          rows.add(new Event(T0 + i * MINUTE, "m0", 100.0 + i, 0.0, 1.0));
        }
      }
      files.add(rows);
    }
    String in = StreamRows.write(tmp.resolve("in"), files);
    Path ckpt = tmp.resolve("ckpt");
    List<String> args = List.of("stream", "--input", in, "--input-format", "json", "--input-schema",
        StreamRows.SCHEMA, "--max-files-per-trigger", "1", "--event-time", "ts", "--window", "1 hour",
        "--watermark", "30 minutes", "--partition-by", "model", "--losses", LOSSES, "--output",
        tmp.resolve("report").toString(), "--checkpoint", ckpt.toString(), "--late-output", tmp.resolve("late").toString(),
        "--states", tmp.resolve("states").toString());

    Process first = start(tmp, "first", args);
    Path windowsLog = ckpt.resolve("lossreport/windows/_delta_log");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!committed(windowsLog, 2)) { // wait on the query's own progress: batch 2's states commit
      assertTrue(first.isAlive(), () -> "the stream ended before batch 2:\n" + read(tmp, "first.out") + read(tmp, "first.err"));
      assertTrue(System.nanoTime() < deadline, "batch 2 never committed its states");
      Thread.sleep(20);
    }
    first.descendants().forEach(ProcessHandle::destroyForcibly); // SIGKILL to the driver JVM
    first.destroyForcibly();
    first.waitFor(1, TimeUnit.MINUTES);
    assertTrue(!committed(tmp.resolve("report/_delta_log"), 2), "killed after batch 2 had written its report: not mid-batch");
    assertTrue(read(tmp, "first.out").contains("batch 1:") && !read(tmp, "first.out").contains("batch 2:"),
        read(tmp, "first.out"));

    Process again = start(tmp, "again", args);
    assertTrue(again.waitFor(10, TimeUnit.MINUTES), "the restarted stream did not finish");
    assertEquals(0, again.exitValue(), () -> read(tmp, "again.out") + read(tmp, "again.err"));
    assertTrue(read(tmp, "again.out").contains("batch 2:") && !read(tmp, "again.out").contains("batch 1:"),
        read(tmp, "again.out"));

    List<String> reference = new ArrayList<>(args);
    for (String t : List.of("report", "ckpt", "late", "states")) {
      reference.set(reference.indexOf(tmp.resolve(t).toString()), tmp.resolve("ref-" + t).toString());
    }
    JobFixtures.ok(reference.toArray(String[]::new));
    Map<List<Object>, List<Object>> expected = StreamRows.byIdentity(
        spark.read().format("delta").load(tmp.resolve("ref-report").toString()), "closed", "late_rows");
    Map<List<Object>, List<Object>> actual = StreamRows.byIdentity(
        spark.read().format("delta").load(tmp.resolve("report").toString()), "closed", "late_rows");
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<List<Object>, List<Object>> e : expected.entrySet()) {
      List<Object> a = actual.get(e.getKey());
      Approx.assertClose((Double) e.getValue().get(0), (Double) a.get(0), 1e-12, 0, e.getKey().toString());
      assertEquals(e.getValue().subList(1, 5), a.subList(1, 5), e.getKey().toString());
    }
    assertTrue(actual.values().stream().anyMatch(v -> v.get(4).equals(5L)), "the late rows counted once: " + actual);
    assertEquals(5, spark.read().format("delta").load(tmp.resolve("late").toString()).count());
    for (String t : List.of("states", "late")) {
      assertEquals(spark.read().format("delta").load(tmp.resolve("ref-" + t).toString()).count(),
          spark.read().format("delta").load(tmp.resolve(t).toString()).count(), t);
    }
  }

  /**
   * A processing-time trigger runs until SIGTERM: it processes a file added while it runs (waited for on its
   * per-batch log line), and SIGTERM then stops it cleanly with exit 0 and a last line saying so.
   */
  @Test
  void aProcessingTimeStreamPicksUpNewFilesAndStopsCleanlyOnSigterm(@TempDir Path tmp) throws Exception {
    List<Event> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(new Event(T0 + i * MINUTE, "m" + (i % 2), 1.0 * i, 0.5 * i, 1.0));
    }
    Path in = tmp.resolve("in");
    StreamRows.write(in, List.of(rows));
    Process p = start(tmp, "timed", List.of("stream", "--input", in.toString(), "--input-format", "json",
        "--input-schema", StreamRows.SCHEMA, "--event-time", "ts", "--window", "1 hour", "--watermark", "30 minutes",
        "--losses", "mse", "--output", tmp.resolve("report").toString(), "--checkpoint", tmp.resolve("ckpt").toString(),
        "--trigger", "1 second"));
    awaitLine(p, tmp, "batch 0:");
    Path next = tmp.resolve("next");
    StreamRows.write(next, List.of(List.of(new Event(T0 + 3 * HOUR, "m0", 1.0, 2.0, 1.0))));
    Files.move(next.resolve("part-000.json"), in.resolve("part-001.json")); // appears whole
    awaitLine(p, tmp, "batch 1: 1 input row(s)");
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "SIGTERM did not stop the stream");
    assertEquals(0, p.exitValue(), () -> read(tmp, "timed.out") + read(tmp, "timed.err"));
    assertTrue(read(tmp, "timed.out").contains("stopped (SIGTERM) after batch 1"), read(tmp, "timed.out"));
  }

  /** Waits for a line starting with {@code prefix} on the process's standard output (its progress). */
  private static void awaitLine(Process p, Path tmp, String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (read(tmp, "timed.out").lines().noneMatch(l -> l.startsWith(prefix))) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, () -> "no '" + prefix + "' line:\n" + read(tmp, "timed.out")
          + read(tmp, "timed.err"));
      Thread.sleep(50);
    }
  }

  /** Whether a commit of the Delta log at {@code log} carries a transaction of batch {@code batchId}. */
  private static boolean committed(Path log, long batchId) throws Exception {
    if (!Files.isDirectory(log)) {
      return false;
    }
    try (Stream<Path> commits = Files.list(log)) {
      for (Path c : commits.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
        String text;
        try {
          text = Files.readString(c, StandardCharsets.UTF_8);
        } catch (java.io.IOException partial) {
          continue;
        }
        if (text.contains("\"txn\":") && text.contains("\"version\":" + batchId + ",")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Process start(Path tmp, String name, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/loss-report").toString(), "--master", "local[1]",
        "--driver-memory", "1g", "--conf", "spark.sql.shuffle.partitions=2"));
    cmd.addAll(args);
    ProcessBuilder pb = ColdJvm.script(ROOT, cmd, tmp.resolve(name + ".out"), tmp.resolve(name + ".err"));
    return pb.start();
  }

  private static String read(Path tmp, String name) {
    try {
      return Files.readString(tmp.resolve(name), StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
