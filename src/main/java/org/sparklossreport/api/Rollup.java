package org.sparklossreport.api;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.output.ReportWriter;
import org.sparklossreport.report.CompositeTotals;
import org.sparklossreport.report.GroupingSetMerge;
import org.sparklossreport.report.GroupingSetMerge.Group;
import org.sparklossreport.report.GroupingSets;
import org.sparklossreport.report.JackknifeBuckets;
import org.sparklossreport.report.KeySummary;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.report.ReportRun;
import org.sparklossreport.report.RunResult;
import org.sparklossreport.report.Verdicts;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.RollupSpec;
import org.sparklossreport.state.HeldStates;
import org.sparklossreport.state.SavedState;
import org.sparklossreport.state.SavedStateTable;
import scala.Tuple2;

/**
 * {@code loss-report rollup}: a report from saved states alone ({@code docs/STATES.md}). Reads the states
 * table, keeps the rows {@code --where} selects, merges the states of each grouping's keys per loss (all
 * groupings in one shuffle, as SQL's {@code GROUPING SETS}) and writes the report as the job writes its own:
 * same columns, canonical loss names, identity rule and modes. Its cost grows with the number of states, not
 * with the predictions they came from.
 *
 * <p>Checked on the driver before any state is merged: every state's format version is one this release
 * reads, a loss's states were all made with one input form, and every loss of {@code --losses} is held.
 */
public final class Rollup {
  private static final Logger LOG = LoggerFactory.getLogger(Rollup.class);

  private final SparkSession spark;
  private final RollupSpec spec;
  private final String runId;
  private final Timestamp computedAt;
  /** Of the states table, found with its losses: the buckets (largest + 1) and the states without one. */
  private int bucketCount;
  private long unbucketed;
  /** How the selected states' buckets were hashed ({@link SavedStateTable#BUCKET_BY}; null: unknown, an older table). */
  private final java.util.Set<String> bucketBy = new java.util.TreeSet<>();
  private HistorySpec history;

  public Rollup(SparkSession spark, RollupSpec spec) {
    this.spark = spark;
    this.spec = spec;
    Instant now = Instant.now();
    this.computedAt = Timestamp.from(now);
    this.runId = LossReportJob.runIdAt(now);
  }

  /** This rollup with a history ({@code --history-by}; null: none), as the job's ({@link JobHistory}). */
  public Rollup withHistory(HistorySpec history) {
    this.history = history;
    return this;
  }

  /** True when {@code path} is a Delta table (it has a {@code _delta_log}); read before a session exists. */
  public static boolean isDelta(String path) {
    try {
      Path p = new Path(path, "_delta_log");
      return p.getFileSystem(new org.apache.hadoop.conf.Configuration()).exists(p);
    } catch (IOException | IllegalArgumentException e) {
      return false; // reading the states says what is wrong with the path
    }
  }

  /**
   * Where a rollup's report goes, instead of {@code --output}: a caller's own step, given the report's rows
   * (valid during the call only: they read states the rollup unpersists after it) and its key columns.
   */
  @FunctionalInterface
  public interface Sink {
    void accept(Dataset<Row> report, List<String> keys) throws IOException;
  }

  /** Runs the rollup; throws {@link UsageException} for the user's mistakes. */
  public RunResult run() throws IOException {
    long t0 = System.nanoTime();
    ReportWriter writer = ReportWriter.of(spark, spec.output(), spec.outputFormat(), runId);
    Path states = qualified(spec.states());
    String a = states + "/";
    String b = writer.output() + "/";
    if (a.startsWith(b) || b.startsWith(a)) {
      throw new UsageException("--output '" + spec.output() + "' is the --states '" + spec.states()
          + "' or lies inside (or around) it; write the report elsewhere");
    }
    writer.prepare(spec.mode());
    return report(read(states), null, (report, keys) -> writer.write(
        JobHistory.banded(spark, report, keys, writer.output(), spec.outputFormat(), history), spec.mode(), keys),
        writer.output().toString(), t0);
  }

  /**
   * The rollup of the states {@code table} (in the states table's columns; read by the caller), given to
   * {@code sink} rather than written: the stream's windows, whose merged states are at hand. The spec's
   * {@code states}, {@code output} and format name nothing here; its groupings, losses, where and intervals
   * apply as in {@link #run}. A local table ({@link Dataset#isLocal}: rows on the driver, as the stream's
   * few states are) is merged and its rows made there, without a Spark job; composite totals take the
   * shuffle either way.
   */
  public void over(Dataset<Row> table, Sink sink) throws IOException {
    report(table, null, sink, null, System.nanoTime());
  }

  /**
   * {@link #over(Dataset, Sink)} of states whose losses and buckets the caller knows ({@code held}: the
   * states it made itself), without the jobs that would find them out and count the report's rows.
   */
  public void over(Dataset<Row> table, HeldStates held, Sink sink) throws IOException {
    report(table, held, sink, null, System.nanoTime());
  }

  /**
   * The rollup of {@code table} into {@code sink}; {@code output} names where it went, for the result.
   * {@code known}: what the states hold, when the caller knows (null: found by a job over {@code table}).
   */
  private RunResult report(Dataset<Row> table, HeldStates known, Sink sink, String output, long t0) throws IOException {
    List<String> keys = keyColumns(table.schema());
    Map<String, LossSet> held; // savedSpec -> its single-loss set, checked
    if (known == null) {
      held = heldLosses(table);
    } else {
      held = new TreeMap<>(known.losses());
      bucketCount = known.buckets();
      if (known.bucketBy() != null) {
        bucketBy.add(known.bucketBy());
      }
    }
    RollupLosses chosen = RollupLosses.of(spec.losses(), held, spec.states());
    List<String> losses = chosen.specs();
    List<Composite> composites = chosen.composites();
    if (losses.isEmpty()) {
      throw new UsageException("--states '" + spec.states() + "' holds no states (the runs that wrote it read no"
          + " rows); there is no loss to report");
    }
    GroupingSets groupings = GroupingSets.of(keys, spec.groupingSets());
    LOG.info("Rollup of {} loss(es) {} by keys {} into groupings {}", losses.size(), losses, keys, groupings.sets());

    CiSpec ci = spec.ci();
    List<String> names = new ArrayList<>();
    losses.forEach(l -> names.addAll(held.get(l).outputNames()));
    composites.forEach(c -> names.add(c.name()));
    JobHistory.checkNames(history, keys, names);
    // Paired when every state's buckets were hashed from one example id column.
    boolean paired = bucketBy.size() == 1 && bucketBy.iterator().next().startsWith("id:");
    if (spec.compare() != null && ci != null) {
      LOG.info("Comparisons {}: the states' buckets were hashed by {}", paired ? "paired" : "unpaired", bucketBy);
    }
    Verdicts verdicts = Verdicts.of(spark, spec.compare(), spec.gates(), keys, table.schema(), names, groupings,
        ci == null ? null : ci.level(), paired);
    if (ci != null && unbucketed > 0) {
      throw new UsageException("--ci jackknife: " + unbucketed + " of the states at '" + spec.states() + "' have no"
          + " bucket (they were saved by runs without --ci); intervals need states saved with --ci jackknife");
    }
    int buckets = ci == null ? 1 : bucketCount;
    Column[] columns = new Column[keys.size() + 3];
    for (int i = 0; i < keys.size(); i++) {
      columns[i] = table.col(ColumnTypes.quote(keys.get(i)));
    }
    columns[keys.size()] = table.col("loss");
    columns[keys.size() + 1] = table.col("state");
    columns[keys.size() + 2] = table.col("bucket");
    Dataset<Row> selected = where(table).select(columns).where(functions.col("loss").isin(losses.toArray()));

    Map<String, LossSet> sets = new HashMap<>();
    Map<String, ReportRows> rowsOf = new HashMap<>();
    for (String l : losses) {
      sets.put(l, held.get(l));
      rowsOf.put(l, new ReportRows(held.get(l), keys, spec.where(), runId, computedAt)
          .with(ci == null ? null : ci.level(), verdicts.scored()));
    }
    List<GroupingSets.Grouping> gs = groupings.sets();
    int keyCount = keys.size();
    boolean bucketed = ci != null;
    CompositeTotals totals = composites.isEmpty() ? null : new CompositeTotals(composites, chosen.heads(), held, buckets, keys,
        spec.where(), runId, computedAt, ci == null ? null : ci.level(), verdicts.scored());
    // Every grouping from one shuffle of the states; by bucket with --ci (else all in bucket 0). States at
    // hand on the driver (a local table: the stream's new windows) are merged there, without a Spark job.
    boolean local = table.isLocal() && totals == null;
    // The finest grouping of states a caller made itself (HeldStates: one row per identity), without buckets,
    // needs no merge: its rows come straight from the states, and only the coarser groupings are shuffled
    // (the stream's many window × key states).
    int straight = local || known == null || bucketed || totals != null ? -1 : groupings.finest();
    List<GroupingSets.Grouping> shuffled = straight < 0 ? gs : gs.stream().filter(g -> g != gs.get(straight)).toList();
    List<Tuple2<Group, JackknifeBuckets>> localGroups = local ? new ArrayList<>() : null;
    JavaPairRDD<Group, JackknifeBuckets> merged = null;
    List<Object> cached = new ArrayList<>();
    if (local) {
      GroupingSetMerge.byBucket(selected.collectAsList(), r -> pairs(r, keyCount, gs, sets, bucketed), buckets, sets)
          .forEach((g, b) -> localGroups.add(new Tuple2<>(g, b)));
    } else {
      merged = GroupingSetMerge.byBucket(selected.javaRDD(), r -> pairs(r, keyCount, shuffled, sets, bucketed),
          buckets, sets).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(merged);
    }
    try {
      StructType schema = ReportRows.schema(keyFields(table.schema(), keys));
      StructType scoredSchema = rowsOf.get(losses.get(0)).schemaOf(keyFields(table.schema(), keys));
      boolean bucketedRows = ci != null;
      // The overall states (one per loss) on the driver: a loss without any selected state still gets its
      // overall rows, with rows 0, as the job's overall rows of an empty input.
      List<Row> overallRows = new ArrayList<>();
      if (groupings.hasOverall()) {
        Map<String, JackknifeBuckets> overall = new TreeMap<>();
        (local ? localGroups.stream().filter(t -> gs.get(t._1().grouping()).overall()).toList()
            : merged.filter(t -> shuffled.get(t._1().grouping()).overall()).collect())
            .forEach(t -> overall.put(t._1().loss(), t._2()));
        for (String l : losses) {
          JackknifeBuckets o = overall.get(l);
          overallRows.addAll(o == null ? rowsOf.get(l).ofOverall(sets.get(l).zero())
              : rowsOf.get(l).rows(new Object[keyCount], ReportRows.OVERALL, o.total(sets.get(l)),
                  bucketedRows ? o.replicates(sets.get(l)) : null));
        }
        if (totals != null) {
          overallRows.addAll(totals.overall(overall, keyCount, bucketedRows));
        }
      }
      Dataset<Row> report;
      List<Row> localRows = null;
      JavaPairRDD<Group, JackknifeBuckets> keyed = null;
      Map<String, Long> groupsPerLoss = new TreeMap<>();
      long reportRows;
      if (local) { // the rows, counted and compared on the driver
        localRows = new ArrayList<>();
        for (Tuple2<Group, JackknifeBuckets> t : localGroups) {
          if (!gs.get(t._1().grouping()).overall()) {
            groupsPerLoss.merge(t._1().loss(), 1L, Long::sum);
            localRows.addAll(rows(t, gs, sets, rowsOf, bucketedRows));
          }
        }
        reportRows = localRows.size() + overallRows.size();
        localRows.addAll(overallRows);
        localRows = verdicts.compared(localRows, scoredSchema);
        report = spark.createDataFrame(localRows, schema);
      } else {
        keyed = merged.filter(t -> !shuffled.get(t._1().grouping()).overall());
        // The report's rows, counted for the number of files and the result (a caller that knows the states
        // gives an estimate instead: the count is a job of its own)
        if (known == null) {
          groupsPerLoss = keyed.map(t -> t._1().loss()).countByValue();
        }
        reportRows = known != null ? known.expectedRows() : overallRows.size();
        for (Map.Entry<String, Long> e : groupsPerLoss.entrySet()) {
          reportRows += e.getValue() * (1 + held.get(e.getKey()).losses().get(0).loss().extraOutputs().size());
        }
        JavaRDD<Row> keyedRows = keyed.flatMap(t -> rows(t, shuffled, sets, rowsOf, bucketedRows).iterator());
        // each state is its finest group's, alone in bucket 0 (the states are read a second time here, beside
        // the shuffle's map side: far cheaper than shuffling each of them as a group of its own)
        if (straight >= 0) {
          keyedRows = keyedRows.union(selected.javaRDD().flatMap(r -> {
            String loss = r.getString(keyCount);
            LossState state = SavedState.fromRow(r.getStruct(keyCount + 1)).toState(sets.get(loss));
            Group g = new Group(java.util.Arrays.asList(GroupingSetMerge.finestKeys(r, keyCount)), straight, loss);
            return rows(new Tuple2<>(g, new JackknifeBuckets(1).add(loss, 0, state, sets)), gs, sets, rowsOf, false)
                .iterator();
          }));
        }
        if (totals != null) {
          JavaRDD<Row> totalRows = totals.keyed(merged, gs, bucketedRows).persist(StorageLevel.MEMORY_AND_DISK());
          cached.add(totalRows);
          reportRows += totalRows.count();
          keyedRows = keyedRows.union(totalRows);
        }
        report = verdicts.compared(spark.createDataFrame(keyedRows, scoredSchema)
            .union(spark.createDataFrame(overallRows, scoredSchema)));
      }
      report = report.coalesce(ReportRun.files(reportRows, spark.sparkContext().defaultParallelism()));
      report = verdicts.cached(report, cached);
      sink.accept(report, keys);
      List<Row> preview = List.of(); // printed by the command only: a caller's sink (the stream) gets none
      if (output != null) {
        List<Row> firstRows = new ArrayList<>(overallRows);
        if (!verdicts.comparing()) {
          (local ? localGroups.stream().filter(t -> !gs.get(t._1().grouping()).overall()).limit(KeySummary.SAMPLE).toList()
              : keyed.take(Math.max(0, KeySummary.SAMPLE - overallRows.size())))
              .forEach(t -> firstRows.addAll(rows(t, shuffled, sets, rowsOf, bucketedRows)));
        }
        preview = local ? verdicts.preview(localRows, firstRows) : verdicts.preview(report, firstRows);
      }
      List<GateOutcome> gates = local ? verdicts.gates(localRows, schema) : verdicts.gates(report);
      long groups = groupsPerLoss.values().stream().mapToLong(Long::longValue).sum();
      String time = String.format("%.1f", (System.nanoTime() - t0) / 1e9);
      if (known != null) { // not counted
        LOG.info("Rolled up {} grouping(s) for the caller in {} s", gs.size(), time);
      } else {
        LOG.info("Rolled up {} state(s) of {} grouping(s) into {} report row(s) {} in {} s", groups, gs.size(),
            reportRows, output == null ? "for the caller" : "at " + output, time);
      }
      return JobHistory.gated(spark, new RunResult(runId, output, -1, reportRows,
          preview.subList(0, Math.min(preview.size(), KeySummary.SAMPLE)), schema, groups, gates),
          spec.outputFormat(), history);
    } finally {
      cached.forEach(Verdicts::unpersist);
    }
  }

  /** The report rows of a merged group, with its replicates when its states are by bucket. */
  private static List<Row> rows(Tuple2<Group, JackknifeBuckets> t, List<GroupingSets.Grouping> gs,
      Map<String, LossSet> sets, Map<String, ReportRows> rowsOf, boolean bucketed) {
    LossSet set = sets.get(t._1().loss());
    return rowsOf.get(t._1().loss()).rows(t._1().keys().toArray(), gs.get(t._1().grouping()).name(),
        t._2().total(set), bucketed ? t._2().replicates(set) : null);
  }

  /** The pairs of one state row (key columns, loss, state, bucket): one per grouping, by loss. */
  private static Iterator<Tuple2<Group, GroupingSetMerge.Part>> pairs(Row r, int keyCount,
      List<GroupingSets.Grouping> gs, Map<String, LossSet> sets, boolean bucketed) {
    String loss = r.getString(keyCount);
    LossState state = SavedState.fromRow(r.getStruct(keyCount + 1)).toState(sets.get(loss));
    return GroupingSetMerge.pairs(GroupingSetMerge.finestKeys(r, keyCount), gs, loss,
        new GroupingSetMerge.Part(loss, bucketed ? r.getInt(keyCount + 2) : 0, state));
  }

  private Path qualified(String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new UsageException("--states '" + path + "': no such file or directory");
      }
      return fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--states '" + path + "' is not a usable path: " + e.getMessage(), e);
    }
  }

  private Dataset<Row> read(Path states) {
    String format = isDelta(states.toString()) ? "delta" : "parquet";
    Dataset<Row> t;
    try {
      t = spark.read().format(format).load(states.toString());
    } catch (Exception e) { // Scala throws AnalysisException unchecked
      if (e instanceof AnalysisException) {
        throw new UsageException("--states '" + spec.states() + "' cannot be read as " + format + " states: "
            + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    List<String> names = List.of(t.columns());
    for (String c : SavedStateTable.COLUMNS) {
      if (!names.contains(c)) {
        throw new UsageException("--states '" + spec.states() + "' is not a states table: it has no column '" + c
            + "' (a states table has the key columns, then " + String.join(", ", SavedStateTable.COLUMNS)
            + "; write one with the job's --states)");
      }
    }
    if (!(t.schema().apply("state").dataType() instanceof StructType st) || !List.of(st.fieldNames()).contains("format")) {
      throw new UsageException("--states '" + spec.states() + "': column 'state' is "
          + t.schema().apply("state").dataType().simpleString() + ", not a saved state (a struct with a format"
          + " version; see docs/STATES.md)");
    }
    return t;
  }

  /** The key columns: every column but those of every states table, in the table's order. */
  private static List<String> keyColumns(StructType schema) {
    List<String> keys = new ArrayList<>();
    for (String c : schema.fieldNames()) {
      if (!SavedStateTable.COLUMNS.contains(c) && !c.equals(SavedStateTable.BUCKET_BY)) {
        keys.add(c);
      }
    }
    return keys;
  }

  private static List<StructField> keyFields(StructType schema, List<String> keys) {
    return keys.stream().map(k -> schema.apply(k)).toList();
  }

  /**
   * Every loss the states hold, as its single-loss set, from one small job over the (loss, format, input
   * forms) the table holds. Exit 2 for a format this release does not read, a loss whose states were made
   * with two input forms (or two specs under one name), or a loss this release does not know.
   */
  private Map<String, LossSet> heldLosses(Dataset<Row> table) {
    Column by = List.of(table.columns()).contains(SavedStateTable.BUCKET_BY) ? functions.col(SavedStateTable.BUCKET_BY)
        : functions.lit(null).cast("string");
    List<Row> kinds = table.groupBy(functions.col("loss"), functions.col("state.format"),
        functions.col("state.inputs"), by.as(SavedStateTable.BUCKET_BY))
        .agg(functions.max("bucket"), functions.count(functions.when(functions.col("bucket").isNull(), 1)))
        .collectAsList();
    for (Row k : kinds) {
      if (!k.isNullAt(4)) {
        bucketCount = Math.max(bucketCount, k.getInt(4) + 1);
        bucketBy.add(k.isNullAt(3) ? "unknown" : k.getString(3));
      }
      unbucketed += k.getLong(5);
    }
    Map<String, String> inputs = new TreeMap<>();
    for (Row k : kinds) {
      String loss = k.getString(0);
      int format = k.getInt(1);
      if (!SavedState.readable(format)) {
        throw new UsageException("--states '" + spec.states() + "': the states of " + loss + " have format version "
            + format + ", unknown to this release (it reads format versions " + SavedState.READABLE
            + "); roll them up with the release that wrote them or a later one");
      }
      String earlier = inputs.put(loss, k.getString(2));
      if (earlier != null && !earlier.equals(k.getString(2))) {
        throw new UsageException("--states '" + spec.states() + "': the states of " + loss + " were made from two"
            + " input forms, [" + earlier + "] and [" + k.getString(2) + "], which do not merge; select one with"
            + " --where");
      }
    }
    Map<String, LossSet> out = new LinkedHashMap<>();
    Map<String, String> byName = new HashMap<>();
    for (Map.Entry<String, String> e : inputs.entrySet()) {
      LossSet set;
      try {
        set = SavedState.setOf(e.getKey(), e.getValue());
      } catch (IllegalArgumentException bad) {
        throw new UsageException("--states '" + spec.states() + "': " + bad.getMessage(), bad);
      }
      String name = set.losses().get(0).loss().canonical();
      String other = byName.put(name, e.getKey());
      if (other != null) { // two saved specs that report under one name
        throw new UsageException("--states '" + spec.states() + "': states of two specs, " + other + " and "
            + e.getKey() + ", report as " + name + "; select one with --where");
      }
      out.put(e.getKey(), set);
    }
    return out;
  }

  private Dataset<Row> where(Dataset<Row> table) {
    if (spec.where() == null) {
      return table;
    }
    try {
      Dataset<Row> df = table.where(spec.where());
      df.queryExecution().analyzed();
      return df;
    } catch (Exception e) { // Scala throws AnalysisException unchecked
      if (e instanceof AnalysisException) {
        throw new UsageException("--where \"" + spec.where() + "\": " + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }
}
