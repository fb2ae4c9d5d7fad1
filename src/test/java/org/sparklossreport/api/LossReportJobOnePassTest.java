package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.cli.MainTest;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkEvents.Stage;
import org.sparklossreport.testing.SparkEvents;
import org.sparklossreport.testing.SparkTest;

/**
 * One pass, shown: however many losses a run computes, Spark scans the input files once. Counted with a
 * SparkListener: the completed stages whose RDDs include a {@code FileScanRDD} (every file-source scan
 * runs in one), and the input records their tasks read. Parquet input, whose schema comes from the file
 * footers without a scan (CSV with an inferred schema takes one more pass to infer it).
 */
@SparkTest
class LossReportJobOnePassTest {
  private static final int ROWS = 1000;

  /** Twelve losses over eight input columns: numbers, a class index and vectors. */
  private static final String TWELVE = String.join(",", "mse", "rmse", "mae", "r2", "huber(delta=1.5)", "log_cosh",
      "quantile(tau=0.9)", "mape", "mse_gradient", "binary_cross_entropy(label=clicked,prediction=p_click)",
      "log_loss(label=class,prediction=probs)", "categorical_cross_entropy(label=onehot,prediction=probs)");

  private static List<Stage> scansOf(SparkSession spark, String... args) {
    try (SparkEvents events = SparkEvents.listen(spark)) {
      JobFixtures.ok(args);
      assertFalse(events.stages().isEmpty(), "the listener saw no stage");
      return events.scans();
    }
  }

  @Test
  void twelveLossesReadTheInputOnceAsOneLossDoes(SparkSession spark, @TempDir Path tmp) {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(ROWS, 31, JobFixtures.D1, JobFixtures.D2),
        tmp.resolve("in"), 2);
    String[] common = {"--input", in, "--partition-by", "date,model", "--weight", "weight"};

    List<Stage> one = scansOf(spark, MainTest.concat(common, "--losses", "mse", "--output",
        tmp.resolve("one").toString()));
    List<Stage> twelve = scansOf(spark, MainTest.concat(common, "--losses", TWELVE, "--output",
        tmp.resolve("twelve").toString()));
    List<Stage> twelveSkip = scansOf(spark, MainTest.concat(common, "--losses", TWELVE, "--invalid", "skip",
        "--output", tmp.resolve("twelve-skip").toString()));

    for (List<Stage> scans : List.of(one, twelve, twelveSkip)) {
      assertEquals(1, scans.size(), "input scans: " + scans);
      // ... and that scan read every row once.
      assertEquals(ROWS, scans.get(0).recordsRead(), scans.toString());
      assertTrue(scans.get(0).bytesRead() > 0, scans.toString());
    }
    assertEquals(one.size(), twelve.size());
  }

  /**
   * A composite (multi-task) loss is finished from its heads' states: with intervals and saved states, the
   * total and its heads still come from one scan of the input.
   */
  @Test
  void aCompositeAndItsHeadsReadTheInputOnce(SparkSession spark, @TempDir Path tmp) {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(ROWS, 33, JobFixtures.D1), tmp.resolve("in"), 2);
    List<Stage> scans = scansOf(spark, "--input", in, "--partition-by", "model", "--losses",
        "total=0.7*binary_cross_entropy(label=clicked,prediction=p_click)+0.3*mse,mae", "--ci", "jackknife",
        "--states", tmp.resolve("states").toString(), "--output", tmp.resolve("report").toString());
    assertEquals(1, scans.size(), "input scans: " + scans);
    assertEquals(ROWS, scans.get(0).recordsRead(), scans.toString());
    assertEquals(4, spark.read().parquet(tmp.resolve("report").toString()).select("loss").distinct().count(),
        "the total, its two heads and mae");
  }

  /**
   * The counter is not blind: quarantining invalid rows is documented as a second read of the input (made
   * only when there are invalid rows), and the listener sees two scans, the second reading every row again.
   */
  @Test
  void aQuarantineOfInvalidRowsIsASecondScanAndIsCounted(SparkSession spark, @TempDir Path tmp) {
    List<JobFixtures.Pred> rows = new java.util.ArrayList<>(JobFixtures.generate(200, 32, JobFixtures.D1));
    rows.set(7, rows.get(7).withLabel(null));
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 1);
    List<Stage> scans = scansOf(spark, "--input", in, "--losses", "mse,mae", "--invalid",
        "quarantine " + tmp.resolve("bad"), "--output", tmp.resolve("report").toString());
    assertEquals(2, scans.size(), "input scans: " + scans);
    assertEquals(List.of(200L, 200L), scans.stream().map(Stage::recordsRead).toList());
  }

  /**
   * A run pays for every Spark job it starts (planning, code generation, scheduling: seconds in a fresh
   * process), so a keyed run on a new output starts just these: reading the Parquet footers for the
   * schema, the write of the keys' rows (whose map stage is the columnar pass, and which merges their
   * states and sums up the overall state as it goes), and the write of the overall rows. No count,
   * preview, emptiness check, summary job, second read of the key states, or job of its own for the
   * pass's map stage (the columnar merge is planned without adaptive execution).
   */
  @Test
  void aKeyedRunStartsOnlyTheJobsItNeeds(SparkSession spark, @TempDir Path tmp) {
    List<String> jobs = keyedRunJobs(spark, tmp, "true");
    assertTrue(jobs.size() <= 3, "Spark jobs of one run: " + jobs);
    assertEquals(0, jobs.stream().filter(j -> j.contains("KeySummary")).count(), jobs.toString());
    assertEquals(2, jobs.stream().filter(j -> j.startsWith("save at FileReportWriter")).count(), jobs.toString());
  }

  /**
   * With the streamed write off (as for runs that save states or compute intervals), the key states are
   * persisted and summarized by one job of their own, which also fills the persisted states; one write.
   */
  @Test
  void withoutTheStreamedWriteOneJobSummarizesThePersistedStates(SparkSession spark, @TempDir Path tmp) {
    List<String> jobs = keyedRunJobs(spark, tmp, "false");
    assertTrue(jobs.size() <= 3, "Spark jobs of one run: " + jobs);
    assertEquals(1, jobs.stream().filter(j -> j.contains("KeySummary")).count(), jobs.toString());
    assertEquals(1, jobs.stream().filter(j -> j.startsWith("save at FileReportWriter")).count(), jobs.toString());
  }

  private static List<String> keyedRunJobs(SparkSession spark, Path tmp, String streamed) {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(ROWS, 33, JobFixtures.D1, JobFixtures.D2),
        tmp.resolve("in"), 2);
    try (SparkEvents events = SparkEvents.listen(spark)) {
      JobFixtures.ok("--input", in, "--partition-by", "date,model", "--losses", "mse,mae,r2",
          "--output", tmp.resolve("report").toString(), "--conf", LossReportJob.STREAMED_CONF + "=" + streamed);
      return events.jobCallSites();
    }
  }
}
