package org.sparklossreport.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>Test-only</b> fault injection, for the cluster integration tests ({@code src/test/java/.../cluster}):
 * Spark settings that make tasks of the job fail or slow down, to check that retried tasks, lost
 * executors and a killed driver leave the report exactly as a clean run does. It lives in the test
 * sources only: the job has no hook for it and the application jar does not carry it. A test installs it
 * with Spark's own mechanisms, all set when the session starts ({@link #sparkConf} builds the settings):
 *
 * <ul>
 *   <li>the classes on the driver's and the executors' class path ({@code spark.driver.extraClassPath},
 *       {@code spark.executor.extraClassPath}: {@link #jar} writes them to a jar of their own; they need
 *       only Spark, Hadoop and SLF4J, nothing of the application jar);
 *   <li>{@code spark.plugins=}{@value #PLUGIN} for the scan faults;
 *   <li>{@code spark.sql.sources.commitProtocolClass=}{@link SlowCommitProtocol} for the write delay.
 * </ul>
 *
 * <p>None changes the job's plan: the engine {@code auto} picks and the query Spark runs are the same with
 * them as without. All are <b>off by default</b>:
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
 *   <li>{@value #WRITE_DELAY_MS} (milliseconds): with {@link SlowCommitProtocol} as the commit protocol,
 *       each task writing report files (and any other file output of the run) sleeps this long after
 *       writing its file and before committing it, so that a test can kill the driver while the report is
 *       half written.
 * </ul>
 *
 * <p>The first two are injected by {@link Plugin}. At the start of every task its executor side registers
 * a task completion listener; the listener acts only on the tasks of an input scan, recognized by their
 * metrics (input records read and shuffle records written) rather than by anything in the plan, so
 * every engine runs as it would without it. A failure thrown by a completion listener fails the task
 * attempt like any other error (its map output is never reported). Its driver side checks the settings
 * when the session starts and logs a warning naming them. Each injected failure or sleep is logged (on
 * the executor) at WARN with the words "test fault injection", so that a test can see that it happened
 * and where.
 */
public final class FaultInjection {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);

  /** Fail the first attempt of even-numbered input-scan tasks (with {@link Plugin}). */
  public static final String FAIL_FIRST_ATTEMPT = "spark.lossreport.test.failFirstAttempt";
  /** Sleep this many milliseconds at the end of each input-scan task (with {@link Plugin}). */
  public static final String SCAN_DELAY_MS = "spark.lossreport.test.scanDelayMs";
  /** Sleep this many milliseconds in each file-output task between writing and committing (with {@link SlowCommitProtocol}). */
  public static final String WRITE_DELAY_MS = "spark.lossreport.test.writeDelayMs";
  /** The class name of {@link Plugin}, for {@code spark.plugins}. */
  public static final String PLUGIN = "org.sparklossreport.testing.FaultInjection$Plugin";
  /** Spark's setting for the commit protocol of file output (a SQL setting, read per write). */
  public static final String COMMIT_PROTOCOL = "spark.sql.sources.commitProtocolClass";

  private FaultInjection() {}

  /**
   * The Spark settings ({@code key=value}, for {@code --conf}) that install the fault injection from
   * {@code jar} (see {@link #jar}) and set {@code faults} (keys of this class): the class path of the
   * driver and the executors, the plugin for the scan faults, the slow commit protocol for the write delay.
   */
  public static List<String> sparkConf(Path jar, Map<String, String> faults) {
    List<String> conf = new ArrayList<>(List.of("spark.driver.extraClassPath=" + jar,
        "spark.executor.extraClassPath=" + jar));
    if (faults.containsKey(FAIL_FIRST_ATTEMPT) || faults.containsKey(SCAN_DELAY_MS)) {
      conf.add("spark.plugins=" + PLUGIN);
    }
    if (faults.containsKey(WRITE_DELAY_MS)) {
      conf.add(COMMIT_PROTOCOL + "=" + SlowCommitProtocol.class.getName());
    }
    faults.forEach((k, v) -> {
      if (!List.of(FAIL_FIRST_ATTEMPT, SCAN_DELAY_MS, WRITE_DELAY_MS).contains(k)) {
        throw new IllegalArgumentException("not a fault injection setting: " + k);
      }
      conf.add(k + "=" + v);
    });
    return conf;
  }

  /**
   * Writes the classes of this fault injection (this class and its nested ones, from the test classes)
   * to {@code dir/fault-injection.jar}, for the class path of driver and executors, and returns its path.
   */
  public static synchronized Path jar(Path dir) {
    try {
      Path classes = Path.of(FaultInjection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      String pkg = FaultInjection.class.getPackageName().replace('.', '/');
      List<Path> files;
      try (Stream<Path> s = Files.list(classes.resolve(pkg))) {
        files = s.filter(p -> p.getFileName().toString().matches("FaultInjection(\\$.*)?\\.class")).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IllegalStateException("no FaultInjection classes under " + classes);
      }
      Files.createDirectories(dir);
      Path jar = dir.resolve("fault-injection.jar");
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
        for (Path f : files) {
          j.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
          Files.copy(f, j);
          j.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static long millis(String value, String key) {
    String v = value == null ? "0" : value.trim();
    try {
      long ms = Long.parseLong(v);
      if (ms < 0) {
        throw new NumberFormatException();
      }
      return ms;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--conf " + key + " must be a number of milliseconds ≥ 0, got '" + v + "'",
          e);
    }
  }

  /**
   * Spark's usual commit protocol for file output, except that each task sleeps {@value #WRITE_DELAY_MS}
   * ms after writing its file(s) and before committing them: the output's staging directory then holds a
   * partial write for that long. Selected by {@code spark.sql.sources.commitProtocolClass}.
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
   * The Spark plugin that injects {@value #FAIL_FIRST_ATTEMPT} and {@value #SCAN_DELAY_MS}
   * ({@code --conf spark.plugins=}{@value #PLUGIN}). Its driver side checks the settings when the session
   * starts (a bad value stops it) and warns that fault injection is on; its executor side registers
   * {@link #atTaskEnd} as a completion listener of every task, which does nothing unless a key is set.
   */
  public static final class Plugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
      return new DriverPlugin() {
        @Override
        public Map<String, String> init(SparkContext sc, PluginContext context) {
          boolean fail = Boolean.parseBoolean(sc.getConf().get(FAIL_FIRST_ATTEMPT, "false").trim());
          long delay = millis(sc.getConf().get(SCAN_DELAY_MS, "0"), SCAN_DELAY_MS);
          LOG.warn("TEST-ONLY fault injection is on for the input scan (by {}; the plan is unchanged): {}={}, {}={} ms",
              PLUGIN, FAIL_FIRST_ATTEMPT, fail, SCAN_DELAY_MS, delay);
          return Map.of();
        }
      };
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
