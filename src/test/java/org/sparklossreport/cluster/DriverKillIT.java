package org.sparklossreport.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.cluster.Reports.LOSSES;
import static org.sparklossreport.cluster.Reports.assertSameReport;
import static org.sparklossreport.cluster.Reports.jobArgs;
import static org.sparklossreport.cluster.Reports.leftovers;
import static org.sparklossreport.cluster.Reports.snapshot;
import static org.sparklossreport.cluster.Reports.with;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.FaultInjection;

/**
 * A driver on the cluster (the one the cluster tests share, {@link SharedCluster}) killed (SIGKILL) while it
 * writes the report leaves the earlier report at the output path as it was, byte for byte, and nothing of
 * the new one there; the next run writes the full report and clears what the killed run left beside the
 * output.
 */
@Tag("cluster")
@ExtendWith(SharedCluster.class)
class DriverKillIT {
  @TempDir
  static Path tmp;
  static LocalCluster cluster;
  static Path input;
  static Path reference;

  @BeforeAll
  static void setUp() throws Exception {
    // the shared cluster comes up (when this class is the first to use it) while the table and the
    // local-mode report are made
    input = Reports.fixture().input();
    reference = Reports.fixture().reference();
    cluster = SharedCluster.cluster();
  }

  /** Parquet part files anywhere under {@code dir} (committed or not). */
  private static long partFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
    }
  }

  @Test
  void aDriverKilledWhileWritingLeavesThePreviousReportAndARerunWritesTheFullOne() throws Exception {
    Path out = tmp.resolve("reports/daily");
    // The previous report: two losses only, so that it cannot be mistaken for the new one.
    Reports.runLocally(jobArgs(input, out, "mse,mae"));
    Map<String, byte[]> previous = snapshot(out);
    long previousRows = Reports.read(out).count();

    // A run whose file-output tasks stall after writing their part of the report, before committing it
    // (the test-only slow commit protocol, from a jar of its own on the driver's and executors' class
    // path): the driver is killed while the new report lies half written in its staging directory.
    Set<Path> before = cluster.appDirs();
    LocalCluster.Driver killed = cluster.submit("d1-killed-while-writing", with(jobArgs(input, out, LOSSES),
        FaultInjection.sparkConf(FaultInjection.jar(SharedCluster.dir(DriverKillIT.class)),
            Map.of(FaultInjection.WRITE_DELAY_MS, "600000")).toArray(String[]::new)));
    LocalCluster.ExecutorLine writing = cluster.awaitExecutorLine(before,
        "test fault injection: file output task", killed);
    List<Path> staging = leftovers(out).stream()
        .filter(p -> p.getFileName().toString().contains(".staging-")).toList();
    assertEquals(1, staging.size(), "expected the staging dir of the running write beside the output");
    // The first task to stall may be one with no rows (the earlier report's rows this run replaces write
    // nothing): the report's own part file follows within moments, written by the task beside it.
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (partFiles(staging.get(0)) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(partFiles(staging.get(0)) > 0, "no part file written in 120 s in " + staging.get(0));
    System.err.println("killing the driver (pid " + killed.process().pid() + ") while: " + writing.line());
    LocalCluster.kill(killed.process().toHandle());
    assertFalse(killed.process().isAlive());

    // The previous report, exactly; the partial one only in the hidden staging dir.
    Map<String, byte[]> after = snapshot(out);
    assertEquals(previous.keySet(), after.keySet(), "the files of the previous report changed");
    previous.forEach((f, bytes) -> assertArrayEquals(bytes, after.get(f), f + " changed"));
    assertEquals(previousRows, Reports.read(out).count());
    assertEquals(List.of("mae", "mse"), Reports.read(out).select("loss").distinct().orderBy("loss")
        .as(Encoders.STRING()).collectAsList());
    assertTrue(Files.isDirectory(staging.get(0)) && !Files.exists(staging.get(0).resolve("_SUCCESS")),
        "expected the killed run's unfinished staging dir " + staging.get(0));
    Path lock = out.resolveSibling("." + out.getFileName() + ".lock");
    assertTrue(Files.isRegularFile(lock), "the killed run held the output lock while it wrote: " + lock);

    // The rerun: it takes over the crashed run's lock once it is stale (10 s here, 120 s by default),
    // writes the full report, and leaves nothing beside it.
    LocalCluster.Driver rerun = cluster.submit("d2-rerun",
        with(jobArgs(input, out, LOSSES), "spark.lossreport.lock.staleSeconds=10"));
    assertEquals(0, rerun.await(), rerun.tail());
    assertTrue(Files.readString(rerun.err()).contains("taking it over from run"),
        "the rerun says it took over the crashed run's lock");
    assertSameReport(reference, out);
    assertEquals(List.of(), leftovers(out), "leftovers beside the output after the rerun");
  }
}
