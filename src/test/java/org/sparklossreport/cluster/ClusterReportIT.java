package org.sparklossreport.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.cluster.Reports.LOSSES;
import static org.sparklossreport.cluster.Reports.ONE_FILE_PER_TASK;
import static org.sparklossreport.cluster.Reports.SCALAR_LOSSES;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.testing.FaultInjection;

/**
 * The job on a 2-worker standalone cluster (the one the cluster tests share, {@link SharedCluster}; separate
 * driver, executors of 1 core and 512 MiB) gives the local-mode report: on the default engine ({@code
 * auto}: columnar for scalar losses on Parquet), with the driver run through spark-submit and run by
 * {@code submit/loss-report} itself; with task attempts failing, on the default engine (the scalar and
 * vector losses together: its kernel mode) and on the compiled one; and with an executor killed in the
 * middle of the aggregation. Five drivers, each doing what no other does (a run that passes with faults
 * injected passes without them: the faults only make Spark retry). The faults come from {@link
 * FaultInjection.Plugin} (test code: its jar on the driver's and executors' class path, the plugin in
 * {@code spark.plugins}, set by {@link #faults}), which leaves the plan alone: each faulty run's plan line
 * (losses, columns, keys, engine and why) must equal the clean run's of the same losses and engine. Last, a
 * driver killed while it writes the report ({@link #aDriverKilledWhileWritingLeavesThePreviousReportAndARerunWritesTheFullOne}).
 *
 * <p>Every test on the shared cluster is in this one class (the driver-kill test was {@code DriverKillIT}
 * until 2026-12-06): failsafe runs the integration test classes in two JVMs side by side, and a class of
 * its own could land in the other JVM, which would start a second cluster in the same directory.
 */
@Tag("cluster")
@ExtendWith(SharedCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReportIT {
  @TempDir
  static Path tmp;
  static LocalCluster cluster;
  static Path input;
  static Path reference;
  static Path scalarReference;
  /** The plan line of the clean run of {@link Reports#SCALAR_LOSSES} on the default engine. */
  static String cleanScalarPlan;

  /** The jar of the test-only fault injection (not in the application jar). */
  static Path faultJar;
  private static final Pattern PLAN = Pattern.compile("Plan: (.*)");

  @BeforeAll
  static void setUp() throws Exception {
    // the shared cluster comes up (when this class is the first to use it) while the table and the
    // local-mode reports are made
    faultJar = FaultInjection.jar(SharedCluster.dir(ClusterReportIT.class));
    input = Reports.fixture().input();
    reference = Reports.fixture().reference();
    scalarReference = Reports.scalarReference();
    cluster = SharedCluster.cluster();
  }

  /** {@code --conf} settings installing the fault plugin with {@code faults}, when the driver's session starts. */
  static List<String> faults(Map<String, String> faults) {
    return with(List.of(), FaultInjection.sparkConf(faultJar, faults).toArray(String[]::new));
  }

  /** The driver's plan line ("N loss(es) [...] over ..., engine NAME (why)"), failing without one. */
  static String plan(LocalCluster.Driver d) {
    Matcher m = PLAN.matcher(d.stderr() + "\n" + d.stdout());
    assertTrue(m.find(), "no plan line in the driver's log\n" + d.tail());
    return m.group(1).trim();
  }

  /** The plan line of the clean run of {@link Reports#LOSSES} on the default engine (the embedded driver's). */
  static String cleanPlan;

  @Test
  @Order(1)
  void scalarLossesRunColumnarByDefaultOnTheClusterAndEqualTheAggregatorEngineReport() throws Exception {
    // every loss scalar over a Parquet input: auto picks the columnar engine, whose loops are compiled per
    // loss function in the executors, serialized with the plan to executors in other JVMs; the reference
    // is computed locally on another engine (aggregator). (The compiled engine, whose generated code calls
    // the losses' function objects, runs on the cluster in the failed-attempts test.)
    Path out = tmp.resolve("a/report-columnar");
    LocalCluster.Driver d = cluster.submit("a-columnar", jobArgs(input, out, SCALAR_LOSSES));
    assertEquals(0, d.await(), d.tail());
    String plan = plan(d);
    assertTrue(plan.contains("engine columnar (auto"), "the cluster run did not use the columnar engine: " + plan);
    cleanScalarPlan = plan;
    assertSameReport(scalarReference, out);
  }

  @Test
  @Order(2)
  void aDriverRunWithoutSparkSubmitShipsTheApplicationJarItself() throws Exception {
    // submit/loss-report without SPARK_HOME: the driver runs embedded (java -cp the jar and Maven's Spark),
    // with --master this cluster; the executors get the job's classes only if the driver ships the jar.
    // Every loss, scalar and vector, on the default engine: the clean run the failed-attempts run equals.
    Path out = tmp.resolve("e/report");
    LocalCluster.Driver d = cluster.submit("e-without-spark-submit", jobArgs(input, out, LOSSES), false);
    assertEquals(0, d.await(), d.tail());
    assertTrue(d.stderr().contains("shipping the application jar"), "no jar shipped?\n" + d.tail());
    assertTrue(d.stdout().contains("loss report: " + Reports.ROWS + " input row(s), " + Reports.KEYS + " key(s)"),
        d.tail());
    cleanPlan = plan(d);
    assertTrue(cleanPlan.contains("engine columnar (auto"), cleanPlan);
    assertSameReport(reference, out);
  }

  @Test
  @Order(3)
  void failedTaskAttemptsAreRetriedIntoTheSameReport() throws Exception {
    // Every loss, scalar and vector: on the default engine (columnar, its kernel mode) and on compiled; the
    // plugin fails the first attempt of every other input-scan task after it wrote its map output.
    assertNotNull(cleanPlan, "the clean run of every loss on the default engine did not run first");
    for (String engine : List.of("columnar", "compiled")) {
      Path out = tmp.resolve("b/report-" + engine);
      List<String> args = with(with(with(jobArgs(input, out, LOSSES), ONE_FILE_PER_TASK),
          faults(Map.of(FaultInjection.FAIL_FIRST_ATTEMPT, "true"))), "spark.task.maxFailures=2");
      LocalCluster.Driver d = cluster.submit("b-failed-attempts-" + engine,
          engine.equals("compiled") ? with(args, ReportPlan.ENGINE_CONF + "=compiled") : args);
      assertEquals(0, d.await(), d.tail());
      // The driver saw attempts fail (TaskSetManager warns "Lost task ...: ...: test fault injection ...").
      assertTrue(d.stderr().contains("test fault injection (" + FaultInjection.FAIL_FIRST_ATTEMPT),
          "no injected failure reached the driver\n" + d.tail());
      if (engine.equals("columnar")) {
        assertEquals(cleanPlan, plan(d), "the fault injection changed the plan");
      } else {
        assertTrue(plan(d).contains("engine compiled (set"), plan(d));
      }
      assertSameReport(reference, out);
    }
  }

  @Test
  @Order(4)
  void anExecutorKilledMidJobLeavesTheReportUnchanged() throws Exception {
    assertNotNull(cleanScalarPlan, "the clean run on the default engine did not run first");
    Path out = tmp.resolve("c/report");
    Set<Path> before = cluster.appDirs();
    LocalCluster.Driver d = cluster.submit("c-executor-killed", with(with(jobArgs(input, out, SCALAR_LOSSES),
        ONE_FILE_PER_TASK), faults(Map.of(FaultInjection.SCAN_DELAY_MS, "1000"))));
    // An input-scan task has written its map output and sleeps before reporting it: kill its executor.
    LocalCluster.ExecutorLine running = cluster.awaitExecutorLine(before, "test fault injection: input scan", d);
    ProcessHandle victim = cluster.executor(running.appId(), running.executorId()).orElseThrow(() ->
        new AssertionError("no process for executor " + running + " among " + cluster.executors()));
    System.err.println("killing executor " + running.executorId() + " (pid " + victim.pid() + ") while: "
        + running.line());
    victim.destroyForcibly();
    victim.onExit().get(1, TimeUnit.MINUTES);

    assertEquals(0, d.await(), d.tail());
    assertTrue(d.stderr().contains("Lost executor " + running.executorId()),
        "the driver did not notice the lost executor\n" + d.tail());
    assertEquals(cleanScalarPlan, plan(d), "the fault injection changed the plan");
    assertSameReport(scalarReference, out);
  }

  /** Parquet part files anywhere under {@code dir} (committed or not). */
  private static long partFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
    }
  }

  /**
   * A driver on the cluster killed (SIGKILL) while it writes the report leaves the earlier report at the
   * output path as it was, byte for byte, and nothing of the new one there; the next run writes the full
   * report and clears what the killed run left beside the output. Last: its killed driver's stalled
   * executors go with the application, after every other test here.
   */
  @Test
  @Order(5)
  void aDriverKilledWhileWritingLeavesThePreviousReportAndARerunWritesTheFullOne() throws Exception {
    Path out = tmp.resolve("d/reports/daily");
    // The previous report: two losses only, so that it cannot be mistaken for the new one.
    Reports.runLocally(jobArgs(input, out, "mse,mae"));
    Map<String, byte[]> previous = snapshot(out);
    long previousRows = Reports.read(out).count();

    // A run whose file-output tasks stall after writing their part of the report, before committing it
    // (the test-only slow commit protocol, from a jar of its own on the driver's and executors' class
    // path): the driver is killed while the new report lies half written in its staging directory.
    Set<Path> before = cluster.appDirs();
    LocalCluster.Driver killed = cluster.submit("d1-killed-while-writing", with(jobArgs(input, out, LOSSES),
        faults(Map.of(FaultInjection.WRITE_DELAY_MS, "600000"))));
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
