package org.sparklossreport.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Records what Spark ran while it listened: the jobs started and the stages completed, with, for each
 * stage, whether it scanned files (an RDD of the stage is a {@code FileScanRDD}, the RDD of every file
 * source scan) and how many records and bytes its tasks read from input.
 */
public final class SparkEvents extends SparkListener implements AutoCloseable {
  /** A completed stage: its id, whether it scans files, its input records and bytes. */
  public record Stage(int id, String name, boolean scansFiles, long recordsRead, long bytesRead) {}

  private final SparkSession spark;
  private final List<Integer> jobs = Collections.synchronizedList(new ArrayList<>());
  private final List<String> callSites = Collections.synchronizedList(new ArrayList<>());
  private final List<Stage> stages = Collections.synchronizedList(new ArrayList<>());
  private boolean closed;

  private SparkEvents(SparkSession spark) {
    this.spark = spark;
  }

  /** Starts listening (drains earlier events first, so they are not counted). */
  public static SparkEvents listen(SparkSession spark) {
    drain(spark);
    SparkEvents e = new SparkEvents(spark);
    spark.sparkContext().addSparkListener(e);
    return e;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    jobs.add(start.jobId());
    String site = "?";
    int last = -1;
    for (StageInfo s : CollectionConverters.asJava(start.stageInfos())) { // the final stage names the action
      if (s.stageId() > last) {
        last = s.stageId();
        site = s.name();
      }
    }
    callSites.add(site);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo s = completed.stageInfo();
    boolean scans = false;
    for (RDDInfo r : CollectionConverters.asJava(s.rddInfos())) {
      scans |= r.name().equals("FileScanRDD");
    }
    long records = s.taskMetrics() == null ? 0 : s.taskMetrics().inputMetrics().recordsRead();
    long bytes = s.taskMetrics() == null ? 0 : s.taskMetrics().inputMetrics().bytesRead();
    stages.add(new Stage(s.stageId(), s.name(), scans, records, bytes));
  }

  /** Stops listening after every event of the run has been delivered. */
  @Override
  public void close() {
    if (!closed) {
      drain(spark);
      spark.sparkContext().removeSparkListener(this);
      closed = true;
    }
  }

  /** Waits until the listener bus has delivered every event posted so far. */
  private static void drain(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
  }

  public List<Integer> jobs() {
    close();
    return List.copyOf(jobs);
  }

  /** The jobs started so far, while it goes on listening. */
  public List<Integer> jobsSoFar() {
    drain(spark);
    return List.copyOf(jobs);
  }

  /** Where each job was started from (Spark's short call site: action and source line), in start order. */
  public List<String> jobCallSites() {
    close();
    return List.copyOf(callSites);
  }

  public List<Stage> stages() {
    close();
    return List.copyOf(stages);
  }

  /** The completed stages that scanned files. */
  public List<Stage> scans() {
    return stages().stream().filter(Stage::scansFiles).toList();
  }
}
