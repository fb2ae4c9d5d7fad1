package org.sparklossreport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.cluster.Reports.LOSSES;
import static org.sparklossreport.cluster.Reports.ONE_FILE_PER_TASK;
import static org.sparklossreport.cluster.Reports.assertSameReport;
import static org.sparklossreport.cluster.Reports.jobArgs;
import static org.sparklossreport.cluster.Reports.with;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.job.FaultInjection;
import org.sparklossreport.job.ReportPlan;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The job on a 2-worker standalone cluster (separate driver, executors of 1 core and 512 MiB, the
 * application jar shipped by spark-submit) gives the local-mode report: as is, with task attempts failing,
 * with an executor killed in the middle of the aggregation, and on the compiled engine.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReportIT {
  @TempDir
  static Path tmp;
  static LocalCluster cluster;
  static Path input;
  static Path reference;

  @BeforeAll
  static void setUp() throws Exception {
    cluster = new LocalCluster(LocalCluster.ROOT.resolve("target/it/" + ClusterReportIT.class.getSimpleName()));
    cluster.launch(2); // the cluster comes up while the table and the local-mode report are made
    input = Reports.fixture().input();
    reference = Reports.fixture().reference();
    cluster.awaitUp();
  }

  @AfterAll
  static void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void theClusterReportEqualsTheLocalModeReport() throws Exception {
    Path out = tmp.resolve("a/report");
    LocalCluster.Driver d = cluster.submit("a-cluster-report", jobArgs(input, out, LOSSES));
    assertEquals(0, d.await(), d.tail());
    assertTrue(d.stdout().contains("loss report: " + Reports.ROWS + " input row(s), " + Reports.KEYS + " key(s)"), d.tail());
    assertSameReport(reference, out);
  }

  @Test
  @Order(2)
  void failedTaskAttemptsAreRetriedIntoTheSameReport() throws Exception {
    Path out = tmp.resolve("b/report");
    LocalCluster.Driver d = cluster.submit("b-failed-attempts", with(with(jobArgs(input, out, LOSSES),
        ONE_FILE_PER_TASK), FaultInjection.FAIL_FIRST_ATTEMPT + "=true", "spark.task.maxFailures=2"));
    assertEquals(0, d.await(), d.tail());
    // The driver saw attempts fail (TaskSetManager warns "Lost task ...: ...InjectedFailure: ...").
    assertTrue(d.stderr().contains("InjectedFailure"), "no injected failure reached the driver\n" + d.tail());
    assertSameReport(reference, out);
  }

  @Test
  @Order(3)
  void anExecutorKilledMidJobLeavesTheReportUnchanged() throws Exception {
    Path out = tmp.resolve("c/report");
    Set<Path> before = cluster.appDirs();
    LocalCluster.Driver d = cluster.submit("c-executor-killed", with(with(jobArgs(input, out, LOSSES),
        ONE_FILE_PER_TASK), FaultInjection.SCAN_DELAY_MS + "=1000"));
    // An input-scan task runs on some executor: kill that executor's JVM.
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
    assertSameReport(reference, out);
  }

  @Test
  @Order(4)
  void scalarLossesRunColumnarAndCompiledOnTheClusterAndEqualTheLocalAggregatorReport() throws Exception {
    // every loss scalar over a Parquet input: auto picks the columnar engine, whose loops are compiled per
    // loss function in the executors; the compiled engine's generated code calls the losses' function
    // objects. Both are serialized with the plan to executors in other JVMs.
    String scalar = LOSSES.substring(0, LOSSES.indexOf(",log_loss("));
    Path expected = tmp.resolve("d/local-aggregator-report");
    try {
      Reports.runLocally(with(jobArgs(input, expected, scalar), ReportPlan.ENGINE_CONF + "=aggregator"));
    } finally {
      SharedSparkSession.get().conf().unset(ReportPlan.ENGINE_CONF);
    }
    for (String engine : List.of("columnar", "compiled")) {
      Path out = tmp.resolve("d/report-" + engine);
      List<String> args = jobArgs(input, out, scalar);
      LocalCluster.Driver d = cluster.submit("d-" + engine,
          engine.equals("columnar") ? args : with(args, ReportPlan.ENGINE_CONF + "=" + engine));
      assertEquals(0, d.await(), d.tail());
      assertTrue(d.stderr().contains("engine " + engine) || d.stdout().contains("engine " + engine),
          "the cluster run did not use the " + engine + " engine\n" + d.tail());
      assertSameReport(expected, out);
    }
  }

  @Test
  @Order(5)
  void aDriverRunWithoutSparkSubmitShipsTheApplicationJarItself() throws Exception {
    // submit/loss-report without SPARK_HOME: the driver runs embedded (java -cp the jar and Maven's Spark),
    // with --master this cluster; the executors get the job's classes only if the driver ships the jar.
    Path out = tmp.resolve("e/report");
    LocalCluster.Driver d = cluster.submit("e-without-spark-submit", jobArgs(input, out, LOSSES), false);
    assertEquals(0, d.await(), d.tail());
    assertTrue(d.stderr().contains("shipping the application jar"), "no jar shipped?\n" + d.tail());
    assertSameReport(reference, out);
  }
}
