package org.sparklossreport.api;

import java.util.Arrays;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.UsageException;

/**
 * <b>Test-only</b> fault injection, for the cluster integration tests ({@code src/test/java/.../cluster}):
 * Spark settings that make tasks of the job fail or slow down, to check that retried tasks, lost
 * executors and a killed driver leave the report exactly as a clean run does. Never set them in
 * production: they make the job fail tasks on purpose and run slower.
 *
 * <p>All are <b>off by default</b>, and none changes the job's plan: the engine {@code auto} picks and
 * the query Spark runs are the same with them as without. {@link #input} is the job's only hook (one
 * line in {@link LossReportJob}); it returns its dataset unchanged, and when a key is set it logs a
 * warning naming it:
 *
 * <ul>
 *   <li>{@value #FAIL_FIRST_ATTEMPT} ({@code true}/{@code false}): the first attempt
 *       ({@code TaskContext.attemptNumber() == 0}) of every even-numbered partition of the input scan
 *       (the map side of the aggregation) fails with {@link InjectedFailure} once it has read its input
 *       and written its shuffle output; Spark retries it, so the job needs {@code spark.task.maxFailures}
 *       ≥ 2 (the default on a cluster is 4; in {@code local} mode it is 1, so there the job fails).
 *   <li>{@value #SCAN_DELAY_MS} (milliseconds): each input-scan task sleeps this long once it has read
 *       its input and written its shuffle output, before it reports them, so that a test can kill an
 *       executor while the aggregation runs (and lose the map output it holds).
 *   <li>{@value #WRITE_DELAY_MS} (milliseconds): each task writing report files (and any other file
 *       output of the run) sleeps this long after writing its file and before committing it, so that a
 *       test can kill the driver while the report is half written. It selects {@link SlowCommitProtocol}
 *       as {@code spark.sql.sources.commitProtocolClass} for the session.
 * </ul>
 *
 * <p>The first two are injected by {@link Plugin}, a Spark plugin that must be installed when the
 * session starts ({@code --conf spark.plugins=}{@value #PLUGIN}; {@link #input} stops with a usage error
 * naming it when they are set without it). At the start of every task its executor side registers a
 * task completion listener; the listener acts only on the tasks of an input scan, recognized by their
 * metrics (input records read and shuffle records written) rather than by anything in the plan, so
 * every engine runs as it would without it. A failure thrown by a completion listener fails the task
 * attempt like any other error (its map output is never reported). Each injected failure or sleep is
 * logged (on the executor) at WARN with the words "test fault injection", so that a test can see that
 * it happened and where.
 */
public final class FaultInjection {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);

  /** Test-only: fail the first attempt of even-numbered input-scan tasks. */
  public static final String FAIL_FIRST_ATTEMPT = "spark.lossreport.test.failFirstAttempt";
  /** Test-only: sleep this many milliseconds at the end of each input-scan task. */
  public static final String SCAN_DELAY_MS = "spark.lossreport.test.scanDelayMs";
  /** Test-only: sleep this many milliseconds in each file-output task between writing and committing. */
  public static final String WRITE_DELAY_MS = "spark.lossreport.test.writeDelayMs";
  /** The class name of {@link Plugin}, for {@code spark.plugins}. */
  public static final String PLUGIN = "org.sparklossreport.api.FaultInjection$Plugin";

  private static final String COMMIT_PROTOCOL = "spark.sql.sources.commitProtocolClass";

  private FaultInjection() {}

  /**
   * Test-only hook: {@code input} itself, always. Checks the keys above: a bad value, or a scan fault
   * without {@link Plugin} installed, is a usage error; a write delay selects {@link SlowCommitProtocol}.
   */
  public static Dataset<Row> input(SparkSession spark, Dataset<Row> input) {
    boolean fail = Boolean.parseBoolean(spark.conf().get(FAIL_FIRST_ATTEMPT, "false").trim());
    long delay = millis(spark.conf().get(SCAN_DELAY_MS, "0"), SCAN_DELAY_MS);
    long writeDelay = millis(spark.conf().get(WRITE_DELAY_MS, "0"), WRITE_DELAY_MS);
    if (writeDelay > 0) {
      LOG.warn("TEST-ONLY fault injection is on for file output: {}={} ms", WRITE_DELAY_MS, writeDelay);
      spark.conf().set(COMMIT_PROTOCOL, SlowCommitProtocol.class.getName());
    }
    if (fail || delay > 0) {
      String plugins = spark.sparkContext().getConf().get("spark.plugins", "");
      if (Arrays.stream(plugins.split(",")).map(String::trim).noneMatch(PLUGIN::equals)) {
        throw new UsageException("--conf " + (fail ? FAIL_FIRST_ATTEMPT : SCAN_DELAY_MS) + " is injected by a"
            + " Spark plugin: also set --conf spark.plugins=" + PLUGIN + " (when the session starts)");
      }
      LOG.warn("TEST-ONLY fault injection is on for the input scan (by {}; the plan is unchanged): {}={}, {}={} ms",
          PLUGIN, FAIL_FIRST_ATTEMPT, fail, SCAN_DELAY_MS, delay);
    }
    return input;
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

  /**
   * Test-only: the Spark plugin that injects {@value #FAIL_FIRST_ATTEMPT} and {@value #SCAN_DELAY_MS}
   * ({@code --conf spark.plugins=}{@value #PLUGIN}). It has no driver side; its executor side registers
   * {@link #atTaskEnd} as a completion listener of every task, which does nothing unless a key is set.
   */
  public static final class Plugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
      return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
      return new ExecutorPlugin() {
        @Override
        public void onTaskStart() { // in the task's thread, its TaskContext set
          TaskContext tc = TaskContext.get();
          if (tc != null) {
            tc.addTaskCompletionListener((TaskCompletionListener) FaultInjection::atTaskEnd);
          }
        }
      };
    }
  }

  /**
   * At the end of a task (a completion listener): when the task was an input scan (it read input records
   * and wrote shuffle records: the map side of the aggregation), sleeps {@value #SCAN_DELAY_MS} ms, then
   * fails the first attempt of an even-numbered partition if {@value #FAIL_FIRST_ATTEMPT} is set. The keys
   * are read from the task's local properties (a SQL execution carries the session's settings there),
   * else from the executor's Spark configuration. Public for the unit test, which calls it in a task.
   */
  public static void atTaskEnd(TaskContext tc) {
    String failSetting = setting(tc, FAIL_FIRST_ATTEMPT);
    String delaySetting = setting(tc, SCAN_DELAY_MS);
    if (failSetting == null && delaySetting == null) {
      return;
    }
    boolean fail = Boolean.parseBoolean(failSetting == null ? "false" : failSetting.trim());
    long delay = millis(delaySetting, SCAN_DELAY_MS);
    TaskMetrics m = tc.taskMetrics();
    boolean scan = m.inputMetrics().recordsRead() > 0 && m.shuffleWriteMetrics().recordsWritten() > 0;
    if (!scan || (!fail && delay == 0)) {
      return;
    }
    String task = "input scan partition " + tc.partitionId() + " (stage " + tc.stageId() + ", attempt "
        + tc.attemptNumber() + ", " + m.inputMetrics().recordsRead() + " rows read)";
    if (delay > 0) {
      LOG.warn("test fault injection: {} sleeps {} ms before reporting its output", task, delay);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + task, e);
      }
    }
    if (fail && tc.attemptNumber() == 0 && tc.partitionId() % 2 == 0) {
      LOG.warn("test fault injection: failing {}", task);
      throw new InjectedFailure("test fault injection (" + FAIL_FIRST_ATTEMPT + "): " + task);
    }
  }

  private static String setting(TaskContext tc, String key) {
    String v = tc.getLocalProperty(key);
    if (v == null && SparkEnv.get() != null) {
      v = SparkEnv.get().conf().get(key, null);
    }
    return v;
  }
}
