package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.report.JobReport;
import org.sparklossreport.report.ReportRun;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;

/**
 * One micro-batch ({@code foreachBatch}), in steps that each write once per batch, so that a batch run
 * again after a crash (Spark replays the same rows under the same batch id) changes nothing that its first
 * run had written: Delta tables through {@link DeltaCommit} (Delta skips a commit already in the log), the
 * watermark through {@link WatermarkLog} (the same bytes again).
 *
 * <ol>
 *   <li>the rows' windows ({@link Windows}); a row whose window the watermark had passed before this batch
 *       is late; the pass's scan observes the batch's counts, and its states tell the windows it touched
 *       ({@link BatchWindows});
 *   <li>the on-time rows' states by window and key, by the batch engine ({@link ReportRun}, the window as a
 *       key; {@code --invalid quarantine} appends the batch's invalid rows);
 *   <li>the watermark after the batch, and the late rows per window (and to {@code --late-output});
 *   <li>the batch's states merged into the saved states of the windows that had some ({@link WindowStates})
 *       and committed to the windows table, while, beside it, the report rows of every window the batch
 *       touched or closed are made from the merged states ({@link WindowReport}) and replace their earlier
 *       rows, with those of the closed windows it brought late rows for (their rows as they were, the late
 *       rows counted again). The two commits go to different tables and either may land first: a replay
 *       whose states' commit is done reads the merged states back instead of merging again;
 *   <li>the states of the windows it closed, appended to {@code --states}, then deleted from the windows
 *       table (which so holds open windows only); the gates over their report rows ({@link WindowGates}).
 * </ol>
 * Each step's Spark jobs are named after it (Spark's UI) and its time is logged.
 */
final class MicroBatch implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final String LATE = "__late";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MicroBatch.class);

  private final StreamSpec spec;
  private final StreamPaths paths;
  private final transient PrintStream log;
  private final transient WindowGates gates;
  /** The last batch this process completed (-1: none); the function runs on the driver, in the query's thread. */
  private volatile long last = -1;
  /** What this process knows after its last batch (null: nothing yet); driver only. */
  private transient Progress progress;

  /**
   * The stream's progress after batch {@code batchId}: the watermark (µs, null: no event time yet) and the
   * starts of the windows that hold states and are still open.
   */
  record Progress(long batchId, Long watermark, Set<Long> open) {
    /** The open windows whose end the watermark {@code after} passed (with those the batch touched). */
    Set<Long> closing(Set<Long> touched, Long after, long length) {
      Set<Long> closing = new TreeSet<>();
      if (after != null) {
        for (Long w : union(touched)) {
          if (w + length <= after) {
            closing.add(w);
          }
        }
      }
      return closing;
    }

    /** The progress after batch {@code id}, which touched and closed these windows. */
    Progress after(long id, Long after, Set<Long> touched, Set<Long> closed) {
      Set<Long> now = union(touched);
      now.removeAll(closed);
      return new Progress(id, after, now);
    }

    private Set<Long> union(Set<Long> touched) {
      Set<Long> all = new TreeSet<>(open);
      all.addAll(touched);
      return all;
    }
  }

  MicroBatch(StreamSpec spec, PrintStream log, WindowGates gates) {
    this.spec = spec;
    this.paths = new StreamPaths(spec.checkpoint());
    this.log = log;
    this.gates = gates;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) throws Exception {
    long t0 = System.nanoTime();
    SparkSession spark = batch.sparkSession();
    Steps steps = new Steps(spark, batchId, "pass", t0);
    DeltaCommit commit = new DeltaCommit(queryId(spark), batchId);
    Progress progress = progress(spark, batchId);
    Long before = progress.watermark();
    Dataset<Row> windowed = Windows.of(spec.job().where() == null ? batch : batch.where(spec.job().where()), spec);
    windowed = windowed.withColumn(LATE, before == null ? lit(false)
        : col(Windows.START).isNotNull().and(col(Windows.START).plus(lit(spec.window().micros())).leq(lit(before))));
    String runId = "b" + batchId + "-" + commit.appId().substring(0, Math.min(8, commit.appId().length()));
    // One scan: the pass over the on-time rows, the batch's counts observed on the way (BatchWindows.METRICS).
    Column[] metrics = BatchWindows.metrics(spec.eventTime(), LATE);
    Dataset<Row> onTime = windowed.observe(BatchWindows.METRICS, metrics[0], Arrays.copyOfRange(metrics, 1, metrics.length))
        .where(not(col(LATE)).and(col(Windows.START).isNotNull()))
        .drop(Windows.START, Windows.PRIMARY, LATE);
    ReportRun run = ReportRun.plan(spark, pass(), onTime, runId, Timestamp.from(Instant.now())).keepingStatesAtHand();
    if (spec.job().invalid().kind() == InvalidPolicy.Kind.QUARANTINE) { // each batch's appended, once
      run = run.quarantiningTo((rows, path) -> commit.append(rows.withColumn("batch_id", lit(batchId)), path));
    }
    try (JobReport r = run.persisted(t0)) {
      steps.next("watermark and late rows");
      Dataset<Row> batchStates = r.savedStates(); // a local table when few (no job to read them)
      BatchWindows b = BatchWindows.of(r.observed().get(BatchWindows.METRICS), touched(batchStates), windowed, LATE,
          spec.eventTime());
      if (b.noTime() > 0 && spec.job().invalid().kind() == InvalidPolicy.Kind.FAIL) {
        throw new UsageException(b.noTime() + " row(s) have a null --event-time " + spec.eventTime() + "; fix them,"
            + " or run with --invalid skip (they are then counted and written to --late-output)");
      }
      Long after = b.watermarkAfter(before, spec.watermark().micros());
      watermarks(spark).write(batchId, new WatermarkLog.Entry(after, b.maxEvent()));
      writeLate(spark, windowed, b, batchId, commit);
      steps.next("report");
      // The touched windows' merged states are committed in a thread of their own while the report is made
      // from them: the two commits are to different tables and each is idempotent, so either may land first.
      Set<Long> closed = progress.closing(b.touched(), after, spec.window().micros());
      boolean reported;
      try (StatesCommit states = b.touched().isEmpty() ? null
          : StatesCommit.start(spark, batchStates, b.touched(), progress.open(), commit, paths, spec.keys().size())) {
        Set<Long> rolled = new TreeSet<>(b.touched()); // open windows, and those closing now, hold states
        rolled.addAll(closed);
        Set<Long> rewrite = new TreeSet<>(rolled);
        rewrite.addAll(b.late().keySet()); // closed before the batch: their rows stay, with their late rows
        boolean fresh = states != null && states.merged() != null;
        reported = WindowReport.write(spark, spec, paths, run.held(r.savedStateCount() * spec.windowGroupings().size()),
            rolled, b.late().keySet(), fresh ? b.touched() : Set.of(), fresh ? states.merged() : null, after,
            rows -> commit.replace(rows, spec.job().output(), WindowReport.condition(rewrite)));
        steps.next("wait for the states' commit");
      } // waits for the states' commit
      steps.next("closed windows");
      if (!closed.isEmpty()) {
        if (spec.job().states() != null) {
          commit.append(windowStates(spark, closed), spec.job().states());
        }
        forget(spark, closed);
      }
      int failed = reported ? gates.check(DeltaCommit.read(spark, spec.job().output()), closed, batchId) : 0;
      steps.next(null);
      LOG.info("batch {} steps: {}", batchId, steps);
      log.printf(java.util.Locale.ROOT, "batch %d: %d input row(s), %d window(s) touched, %d closed, %d late row(s)%s,"
          + " watermark %s, %d gate(s) failed, %.1f s%n", batchId, b.inputRows(), b.touched().size(), closed.size(),
          b.lateRows(), b.noTime() == 0 ? "" : ", " + b.noTime() + " without event time", after == null ? "none"
              : Instant.ofEpochSecond(0, after * 1000), failed, (System.nanoTime() - t0) / 1e9);
      this.progress = progress.after(batchId, after, b.touched(), closed);
      last = batchId;
    }
  }

  /**
   * The starts (µs) of the windows of the pass's states {@code states}: those the batch's on-time rows
   * touched; read on the driver when the states are at hand there.
   */
  private static Set<Long> touched(Dataset<Row> states) {
    Set<Long> touched = new TreeSet<>();
    Column start = unix_micros(col(StreamSpec.WINDOW.get(0)));
    (states.isLocal() ? states.select(start) : states.select(start).distinct()).collectAsList()
        .forEach(w -> touched.add(w.getLong(0)));
    return touched;
  }

  private WatermarkLog watermarks(SparkSession spark) {
    return new WatermarkLog(paths.watermarks(), spark.sparkContext().hadoopConfiguration());
  }

  /**
   * The watermark and open windows before {@code batchId}: what this process kept after the batch before
   * it, else (the first batch of a process, a restart) read from the checkpoint's tables.
   */
  private Progress progress(SparkSession spark, long batchId) {
    Progress p = progress;
    if (p != null && p.batchId() == batchId - 1) {
      return p;
    }
    WatermarkLog.Entry entry = watermarks(spark).before(batchId);
    Long before = entry == null ? null : entry.watermark();
    Dataset<Row> saved = DeltaCommit.read(spark, paths.windows());
    Set<Long> open = new TreeSet<>();
    if (saved != null) {
      Dataset<Row> held = before == null ? saved : saved.where(unix_micros(col("window_end")).gt(lit(before)));
      held.select(unix_micros(col("window_start"))).distinct().collectAsList().forEach(w -> open.add(w.getLong(0)));
    }
    return new Progress(batchId - 1, before, open);
  }

  /** The batch pass's description: the job's, with the window columns first among the keys, saving its states. */
  private JobSpec pass() {
    JobSpec j = spec.job();
    List<String> keys = spec.keys();
    return new JobSpec(j.input(), j.table(), j.inputFormat(), null, null, null, null, j.label(),
        j.prediction(), j.weight(), keys, j.losses(), j.output(), "delta", j.mode(), j.invalid(), null, j.sparkConf(),
        List.of(keys), paths.windows(), j.ci(), null, List.of(), null);
  }

  /**
   * The steps of a micro-batch: each names the Spark jobs it runs (their description in Spark's UI) and its
   * time goes to the log, so a batch's time can be taken apart.
   */
  private static final class Steps {
    private final StringBuilder text = new StringBuilder();
    private final SparkSession spark;
    private final long batchId;
    private String step;
    private long since;

    Steps(SparkSession spark, long batchId, String first, long t0) {
      this.spark = spark;
      this.batchId = batchId;
      this.step = first;
      this.since = t0;
      describe(spark, batchId, first);
    }

    /** Ends the current step and starts {@code next}. */
    void next(String next) {
      long now = System.nanoTime();
      text.append(text.length() == 0 ? "" : ", ").append(step)
          .append(String.format(java.util.Locale.ROOT, " %.2f s", (now - since) / 1e9));
      since = now;
      step = next;
      describe(spark, batchId, next);
    }

    /** Names the Spark jobs this thread runs next (null: no step). */
    static void describe(SparkSession spark, long batchId, String step) {
      spark.sparkContext().setJobDescription(step == null ? null : "loss-report stream, batch " + batchId + ": " + step);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  /** The last batch this process completed, or -1. */
  long last() {
    return last;
  }

  private static final StructType LATE_COUNTS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("window_start_us", DataTypes.LongType, false),
      DataTypes.createStructField("batch_id", DataTypes.LongType, false),
      DataTypes.createStructField("rows", DataTypes.LongType, false)));

  /**
   * The on-time rows' states by window and key (the batch engine's pass) merged into their windows' saved
   * states, and their commit to the windows table, running in a thread of its own (created by the query's
   * thread, so it carries the query's id and Spark's local properties) until {@link #close}. A batch whose
   * commit is already in the table (a replay) merges nothing: {@link #merged} is null and only the table has
   * the states.
   */
  private static final class StatesCommit implements AutoCloseable {
    /**
     * The windows table's properties: file statistics of the window columns alone (they select a batch's
     * windows), not of the states, whose statistics no reader uses and which cost a micro-batch's commit
     * about half a second.
     */
    private static final java.util.Map<String, String> WINDOWS_TABLE = java.util.Map.of(
        "delta.dataSkippingNumIndexedCols", String.valueOf(StreamSpec.WINDOW.size()));

    private final Dataset<Row> merged;
    /** The merge's rows, persisted while the commit and the report read them (null: no merge). */
    private final JavaRDD<Row> persisted;
    private final java.util.concurrent.FutureTask<Void> task;

    private StatesCommit(Dataset<Row> merged, JavaRDD<Row> persisted, java.util.concurrent.FutureTask<Void> task) {
      this.merged = merged;
      this.persisted = persisted;
      this.task = task;
    }

    /** {@code open}: the windows that held states before the batch (the others' states are all in it). */
    static StatesCommit start(SparkSession spark, Dataset<Row> batchStates, Set<Long> touched, Set<Long> open,
        DeltaCommit commit, StreamPaths paths, int keyCount) {
      if (commit.done(spark, paths.windows())) {
        return new StatesCommit(null, null, null);
      }
      Set<Long> held = new TreeSet<>(touched);
      held.retainAll(open);
      Dataset<Row> saved = held.isEmpty() ? null
          : DeltaCommit.read(spark, paths.windows()).where(WindowReport.condition(held));
      Dataset<Row> merged = batchStates; // every touched window is new: its states are the batch's
      JavaRDD<Row> persisted = null;
      if (saved != null) {
        // states at hand and few saved ones: merged on the driver, else by a join
        List<Row> few = batchStates.isLocal() ? WindowStates.few(saved, batchStates, ReportRun.localStates(spark)) : null;
        if (few != null) {
          merged = spark.createDataFrame(WindowStates.merge(few, batchStates.collectAsList(), keyCount),
              batchStates.schema());
        } else {
          persisted = WindowStates.merge(saved, batchStates, keyCount).persist(StorageLevel.MEMORY_AND_DISK());
          persisted.count(); // joined once here: the commit and the report side by side would each join
          merged = spark.createDataFrame(persisted, batchStates.schema());
        }
      }
      // States at hand (a local table, at most spark.lossreport.ci.localStates) go to one file: split in two
      // tasks, as Spark splits a local table, they would take both cores from the report's write beside it.
      Dataset<Row> rows = merged.isLocal() ? merged.coalesce(1) : merged;
      var task = new java.util.concurrent.FutureTask<Void>(() -> {
        Steps.describe(spark, commit.batchId(), "merge and commit the windows' states");
        commit.replace(rows, paths.windows(), WindowReport.condition(touched), WINDOWS_TABLE);
        return null;
      });
      Thread t = new Thread(task, "loss-report-window-states-" + commit.batchId());
      t.setDaemon(true);
      t.start();
      return new StatesCommit(merged, persisted, task);
    }

    /** The merged states (valid until {@link #close}), or null for a replay. */
    Dataset<Row> merged() {
      return merged;
    }

    /** Waits for the commit, then unpersists the merged states; throws the commit's failure. */
    @Override
    public void close() throws Exception {
      if (task == null) {
        return;
      }
      try {
        task.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception x ? x : e;
      } finally {
        if (persisted != null) {
          persisted.unpersist(false);
        }
      }
    }
  }

  /** The late rows per window, and with {@code --late-output} the rows themselves with their window. */
  private void writeLate(SparkSession spark, Dataset<Row> windowed, BatchWindows b, long batchId, DeltaCommit commit) {
    if (!b.late().isEmpty()) {
      List<Row> counts = new ArrayList<>();
      b.late().forEach((start, n) -> counts.add(RowFactory.create(start, batchId, n)));
      commit.append(spark.createDataFrame(counts, LATE_COUNTS), paths.late());
    }
    if (spec.lateOutput() != null && (b.lateRows() > 0 || b.noTime() > 0)) {
      commit.append(windowed.where(col(LATE).or(col(Windows.START).isNull()))
          .drop(Windows.START, Windows.PRIMARY, LATE).withColumn("batch_id", lit(batchId)), spec.lateOutput());
    }
  }

  /**
   * Deletes the states of the windows {@code closed} from the windows table, so it holds open windows'
   * states only: a closed window's values do not change (its late rows are only counted), and its states
   * are in {@code --states} by now. A replay deletes nothing more.
   */
  private void forget(SparkSession spark, Set<Long> closed) {
    io.delta.tables.DeltaTable.forPath(spark, paths.windows()).delete(WindowReport.condition(closed));
  }

  /** The saved states of the windows starting at {@code starts}. */
  private Dataset<Row> windowStates(SparkSession spark, Set<Long> starts) {
    return DeltaCommit.read(spark, paths.windows()).where(WindowReport.condition(starts));
  }

  /** The streaming query's id: kept in its checkpoint, the same across restarts (Delta's txnAppId). */
  static String queryId(SparkSession spark) {
    String id = spark.sparkContext().getLocalProperty("sql.streaming.queryId");
    if (id == null) {
      throw new IllegalStateException("not in a streaming query's micro-batch: no query id");
    }
    return id;
  }
}
