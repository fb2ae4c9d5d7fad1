package org.sparklossreport.job;

import java.util.Iterator;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>Test-only</b> fault injection, for the cluster integration tests ({@code src/test/java/.../cluster}):
 * Spark settings that make tasks of the job fail or slow down, to check that retried tasks, lost
 * executors and a killed driver leave the report exactly as a clean run does. Never set them in
 * production: they make the job fail tasks on purpose and run slower.
 *
 * <p>All are <b>off by default</b>: with none of the keys set, {@link #input} returns its dataset
 * unchanged and the job runs as written. {@link #input} is the job's only hook (one line in
 * {@link LossReportJob}); when a key is set it logs a warning naming it, and:
 *
 * <ul>
 *   <li>{@value #FAIL_FIRST_ATTEMPT} ({@code true}/{@code false}): the first attempt
 *       ({@code TaskContext.attemptNumber() == 0}) of every even-numbered partition of the input scan
 *       (the map side of the aggregation) throws {@link InjectedFailure}; Spark retries it, so the job
 *       needs {@code spark.task.maxFailures} ≥ 2 (the default on a cluster is 4; in {@code local} mode it
 *       is 1, so there the job fails).
 *   <li>{@value #SCAN_DELAY_MS} (milliseconds): each input-scan task sleeps this long first, so that a
 *       test can kill an executor while the aggregation runs.
 *   <li>{@value #WRITE_DELAY_MS} (milliseconds): each task writing report files (and any other file
 *       output of the run) sleeps this long after writing its file and before committing it, so that a
 *       test can kill the driver while the report is half written. It selects {@link SlowCommitProtocol}
 *       as {@code spark.sql.sources.commitProtocolClass} for the session.
 * </ul>
 *
 * <p>The first two wrap the input in a {@code mapPartitions} that acts once per task and passes the
 * rows through unchanged. Each injected failure or sleep is logged (on the executor) at WARN with the
 * words "test fault injection", so that a test can see that it happened and where.
 */
public final class FaultInjection {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);

  /** Test-only: fail the first attempt of even-numbered input-scan tasks. */
  public static final String FAIL_FIRST_ATTEMPT = "spark.lossreport.test.failFirstAttempt";
  /** Test-only: sleep this many milliseconds at the start of each input-scan task. */
  public static final String SCAN_DELAY_MS = "spark.lossreport.test.scanDelayMs";
  /** Test-only: sleep this many milliseconds in each file-output task between writing and committing. */
  public static final String WRITE_DELAY_MS = "spark.lossreport.test.writeDelayMs";

  private static final String COMMIT_PROTOCOL = "spark.sql.sources.commitProtocolClass";

  private FaultInjection() {}

  /**
   * Test-only hook: the input of the aggregation, with the failures and delays configured by the keys
   * above; the input itself when none is set.
   */
  public static Dataset<Row> input(SparkSession spark, Dataset<Row> input) {
    boolean fail = Boolean.parseBoolean(spark.conf().get(FAIL_FIRST_ATTEMPT, "false").trim());
    long delay = millis(spark.conf().get(SCAN_DELAY_MS, "0"), SCAN_DELAY_MS);
    long writeDelay = millis(spark.conf().get(WRITE_DELAY_MS, "0"), WRITE_DELAY_MS);
    if (writeDelay > 0) {
      LOG.warn("TEST-ONLY fault injection is on for file output: {}={} ms", WRITE_DELAY_MS, writeDelay);
      spark.conf().set(COMMIT_PROTOCOL, SlowCommitProtocol.class.getName());
    }
    if (!fail && delay == 0) {
      return input;
    }
    LOG.warn("TEST-ONLY fault injection is on for the input scan: {}={}, {}={} ms", FAIL_FIRST_ATTEMPT, fail,
        SCAN_DELAY_MS, delay);
    return input.mapPartitions(new Inject("input scan", fail, delay), Encoders.row(input.schema()));
  }

  private static long millis(String value, String key) {
    String v = value == null ? "0" : value.trim();
    try {
      long ms = Long.parseLong(v);
      if (ms < 0) {
        throw new NumberFormatException();
      }
      return ms;
    } catch (NumberFormatException e) {
      throw new UsageException("--conf " + key + " must be a number of milliseconds ≥ 0, got '" + v + "'", e);
    }
  }

  /**
   * Test-only: Spark's usual commit protocol for file output, except that each task sleeps
   * {@value #WRITE_DELAY_MS} ms after writing its file(s) and before committing them: the output's
   * staging directory then holds a partial write for that long. Selected by {@link #input} when
   * {@value #WRITE_DELAY_MS} is set.
   */
  public static class SlowCommitProtocol extends SQLHadoopMapReduceCommitProtocol {
    private static final long serialVersionUID = 1L;

    public SlowCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
      super(jobId, path, dynamicPartitionOverwrite);
    }

    @Override
    public FileCommitProtocol.TaskCommitMessage commitTask(TaskAttemptContext context) {
      String v = context.getConfiguration().get(WRITE_DELAY_MS);
      if (v == null && SparkEnv.get() != null) {
        v = SparkEnv.get().conf().get(WRITE_DELAY_MS, "0");
      }
      long delay = millis(v, WRITE_DELAY_MS);
      TaskContext tc = TaskContext.get();
      if (delay > 0) {
        LOG.warn("test fault injection: file output task, partition {} (stage {}, attempt {}), wrote its file"
            + " and sleeps {} ms before committing it", tc == null ? "?" : tc.partitionId(),
            tc == null ? "?" : tc.stageId(), tc == null ? "?" : tc.attemptNumber(), delay);
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while delaying the commit of a file output task", e);
        }
      }
      return super.commitTask(context);
    }
  }

  /** The failure {@value #FAIL_FIRST_ATTEMPT} throws. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String message) {
      super(message);
    }
  }

  /** Once per task: sleep, then maybe fail; the rows pass through unchanged. */
  private static final class Inject implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String what;
    private final boolean failFirstAttempt;
    private final long delayMs;

    Inject(String what, boolean failFirstAttempt, long delayMs) {
      this.what = what;
      this.failFirstAttempt = failFirstAttempt;
      this.delayMs = delayMs;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      TaskContext tc = TaskContext.get();
      String task = what + " partition " + tc.partitionId() + " (stage " + tc.stageId() + ", attempt "
          + tc.attemptNumber() + ")";
      if (delayMs > 0) {
        LOG.warn("test fault injection: {} sleeps {} ms", task, delayMs);
        try {
          Thread.sleep(delayMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          tc.killTaskIfInterrupted();
          throw new IllegalStateException("interrupted: " + task, e);
        }
      }
      if (failFirstAttempt && tc.attemptNumber() == 0 && tc.partitionId() % 2 == 0) {
        LOG.warn("test fault injection: failing {}", task);
        throw new InjectedFailure("test fault injection (" + FAIL_FIRST_ATTEMPT + "): " + task);
      }
      return rows;
    }
  }
}
