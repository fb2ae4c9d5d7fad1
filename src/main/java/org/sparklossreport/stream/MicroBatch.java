package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.report.JobReport;
import org.sparklossreport.report.ReportRun;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;

/**
 * One micro-batch ({@code foreachBatch}), in steps that each commit once per batch ({@link DeltaCommit}),
 * so that a batch run again after a crash (Spark replays the same rows under the same batch id) changes
 * nothing that its first run had committed:
 *
 * <ol>
 *   <li>the rows' windows ({@link Windows}); a row whose window the watermark had passed before this batch
 *       is late; one aggregate says which windows the batch touches ({@link BatchWindows});
 *   <li>the on-time rows' states by window and key, by the batch engine ({@link ReportRun}, the window as a
 *       key), merged into the saved states of their windows ({@link WindowStates});
 *   <li>the watermark after the batch, and the late rows per window (and to {@code --late-output});
 *   <li>the report rows of every window the batch touched, made late rows for, or closed ({@link WindowReport})
 *       from the merged states, replacing their earlier rows;
 *   <li>the states of the windows it closed, appended to {@code --states}; the gates over their report rows
 *       ({@link WindowGates}).
 * </ol>
 * Each step reads what the earlier steps committed, never what it computed in memory, so a replay whose
 * earlier steps Delta skips gives the same rows.
 */
final class MicroBatch implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final String LATE = "__late";

  private final StreamSpec spec;
  private final StreamPaths paths;
  private final transient PrintStream log;
  private final transient WindowGates gates;
  /** The last batch this process completed (-1: none); the function runs on the driver, in the query's thread. */
  private volatile long last = -1;

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
    DeltaCommit commit = new DeltaCommit(queryId(spark), batchId);
    Long before = watermarkBefore(spark, batchId);
    Dataset<Row> windowed = Windows.of(spec.job().where() == null ? batch : batch.where(spec.job().where()), spec);
    windowed = windowed.withColumn(LATE, before == null ? lit(false)
        : col(Windows.START).isNotNull().and(col(Windows.START).plus(lit(spec.window().micros())).leq(lit(before))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      BatchWindows b = BatchWindows.of(windowed.groupBy(col(Windows.START), col(LATE))
          .agg(count(lit(1)), sum(when(col(Windows.PRIMARY), 1L).otherwise(0L)),
              max(unix_micros(col(ColumnTypes.quote(spec.eventTime())).cast("timestamp"))))
          .collectAsList());
      if (b.noTime() > 0 && spec.job().invalid().kind() == InvalidPolicy.Kind.FAIL) {
        throw new UsageException(b.noTime() + " row(s) have a null --event-time " + spec.eventTime() + "; fix them,"
            + " or run with --invalid skip (they are then counted and written to --late-output)");
      }
      Long after = b.watermarkAfter(before, spec.watermark().micros());
      String runId = "b" + batchId + "-" + commit.appId().substring(0, Math.min(8, commit.appId().length()));
      if (!b.touched().isEmpty()) {
        mergeStates(spark, windowed.where(org.apache.spark.sql.functions.not(col(LATE)).and(col(Windows.START).isNotNull())), b.touched(), runId,
            commit);
      }
      commit.append(spark.createDataFrame(List.of(RowFactory.create(batchId, after, b.maxEvent())), WATERMARKS),
          paths.watermarks());
      writeLate(spark, windowed, b, batchId, commit);
      Set<Long> closed = closedBy(spark, before, after);
      Set<Long> rewrite = new TreeSet<>(b.touched());
      rewrite.addAll(b.late().keySet());
      rewrite.addAll(closed);
      WindowReport report = WindowReport.of(spark, spec, paths, rewrite, after);
      if (report != null) {
        commit.replace(report.rows(), spec.job().output(), WindowReport.condition(rewrite));
      }
      if (!closed.isEmpty() && spec.job().states() != null) {
        commit.append(windowStates(spark, closed), spec.job().states());
      }
      int failed = report == null || closed.isEmpty() ? 0 : gates.check(report, closed, batchId);
      log.printf(java.util.Locale.ROOT, "batch %d: %d input row(s), %d window(s) touched, %d closed, %d late row(s)%s,"
          + " watermark %s, %d gate(s) failed, %.1f s%n", batchId, b.inputRows(), b.touched().size(), closed.size(),
          b.lateRows(), b.noTime() == 0 ? "" : ", " + b.noTime() + " without event time", after == null ? "none"
              : Instant.ofEpochSecond(0, after * 1000), failed, (System.nanoTime() - t0) / 1e9);
      last = batchId;
    } finally {
      windowed.unpersist();
    }
  }

  /** The last batch this process completed, or -1. */
  long last() {
    return last;
  }

  private static final StructType WATERMARKS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("batch_id", DataTypes.LongType, false),
      DataTypes.createStructField("watermark_us", DataTypes.LongType, true),
      DataTypes.createStructField("max_event_us", DataTypes.LongType, true)));

  private static final StructType LATE_COUNTS = DataTypes.createStructType(List.of(
      DataTypes.createStructField("window_start_us", DataTypes.LongType, false),
      DataTypes.createStructField("batch_id", DataTypes.LongType, false),
      DataTypes.createStructField("rows", DataTypes.LongType, false)));

  /** The on-time rows' states by window and key (the batch engine), merged into their windows' saved states. */
  private void mergeStates(SparkSession spark, Dataset<Row> onTime, Set<Long> touched, String runId,
      DeltaCommit commit) {
    JobSpec j = spec.job();
    List<String> keys = spec.keys();
    JobSpec pass = new JobSpec(j.input(), j.table(), j.inputFormat(), null, null, null, null, j.label(),
        j.prediction(), j.weight(), keys, j.losses(), j.output(), "delta", j.mode(), j.invalid(), null, j.sparkConf(),
        List.of(keys), paths.windows(), j.ci(), null, List.of(), null);
    Dataset<Row> input = onTime.drop(Windows.START, Windows.PRIMARY, LATE);
    try (JobReport r = ReportRun.plan(spark, pass, input, runId, Timestamp.from(Instant.now())).persisted(System.nanoTime())) {
      Dataset<Row> saved = DeltaCommit.read(spark, paths.windows());
      if (saved != null) {
        saved = saved.where(WindowReport.condition(touched));
      }
      commit.replace(WindowStates.merge(spark, saved, r.savedStates(), keys.size()), paths.windows(),
          WindowReport.condition(touched));
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

  /** The starts of the windows that hold states and whose end the watermark passed in this batch. */
  private Set<Long> closedBy(SparkSession spark, Long before, Long after) {
    Dataset<Row> saved = DeltaCommit.read(spark, paths.windows());
    if (after == null || saved == null || (before != null && after.longValue() == before.longValue())) {
      return Set.of();
    }
    var end = unix_micros(col("window_end"));
    var newly = end.leq(lit(after));
    if (before != null) {
      newly = newly.and(end.gt(lit(before)));
    }
    return saved.where(newly).select(unix_micros(col("window_start"))).distinct().collectAsList().stream()
        .map(r -> r.getLong(0)).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The saved states of the windows starting at {@code starts}. */
  private Dataset<Row> windowStates(SparkSession spark, Set<Long> starts) {
    return DeltaCommit.read(spark, paths.windows()).where(WindowReport.condition(starts));
  }

  /** The watermark after the batches before {@code batchId} (null: none had an event time). */
  private Long watermarkBefore(SparkSession spark, long batchId) {
    Dataset<Row> w = DeltaCommit.read(spark, paths.watermarks());
    if (w == null) {
      return null;
    }
    Row r = w.where(col("batch_id").lt(batchId)).agg(max(col("watermark_us"))).first();
    return r.isNullAt(0) ? null : r.getLong(0);
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
