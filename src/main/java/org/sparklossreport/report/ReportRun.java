package org.sparklossreport.report;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.Bucketing;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.state.SavedStateTable;

/**
 * One run's report, planned once from the spec and the input and then run: the plan of the pass, the
 * groupings, the comparison and gates (checked against the plan before anything is read), the pass
 * (with {@code --ci}, by key and bucket) and its engine. {@link #run} then takes one of two ways to the
 * report rows, both from the same single pass:
 *
 * <ul>
 *   <li>streamed ({@link StreamedReport}): the finest keys' rows are made as the pass's merge gives each
 *       key's state and written as they come; the overall rows and the invalid-row policy follow once they
 *       are written. For the finest keys and the overall rows, without intervals, saved states, coarser
 *       groupings, comparisons or gates, to a writer that writes a report in two parts;
 *   <li>persisted ({@link PersistedReport}): the pass's states are kept, summarized in one job, checked by
 *       the invalid-row policy, and every grouping's rows, the intervals ({@link IntervalReport}) and the
 *       comparison are built from them.
 * </ul>
 *
 * <p>What it gives ({@link JobReport}) is what the job writes and what {@code LossReport} returns; this
 * package reads and writes no output.
 */
public final class ReportRun {
  private static final Logger LOG = LoggerFactory.getLogger(ReportRun.class);

  /** Off: every run persists its key states and summarizes them in a job of their own before writing. */
  public static final String STREAMED_CONF = "spark.lossreport.streamedWrite";

  /**
   * State rows of the pass (key and bucket) at most this many (default 20,000) come back to the driver with
   * the pass's own job, and a {@code --ci} report is then built there: for the usual tens to thousands of keys this saves
   * a shuffle and two Spark jobs, which are most of the cost of the intervals in a warm session. The stream's
   * micro-batches keep their states there too ({@link #keepingStatesAtHand}).
   */
  public static final String LOCAL_STATES_CONF = "spark.lossreport.ci.localStates";

  /** {@link #LOCAL_STATES_CONF} in {@code spark}'s session (default 20,000). */
  public static int localStates(SparkSession spark) {
    return Integer.parseInt(spark.conf().get(LOCAL_STATES_CONF, "20000").trim());
  }

  /** Report rows per written file: fewer, larger files (each file is a task and a commit). */
  static final long ROWS_PER_FILE = 250_000;

  final SparkSession spark;
  final JobSpec spec;
  final Dataset<Row> input;
  final String runId;
  final Timestamp computedAt;
  final ReportPlan plan;
  final GroupingSets groupings;
  final Verdicts verdicts;
  final ReportPlan pass;
  final String bucketBy;
  final EnginePolicy.Choice engine;
  /** Where quarantined rows go; null: the job's ({@link InvalidRows}). */
  final InvalidRows.Quarantine quarantine;
  /** Whether a small pass's saved states come back to the driver ({@link #keepingStatesAtHand}). */
  final boolean statesAtHand;

  private ReportRun(SparkSession spark, JobSpec spec, Dataset<Row> input, String runId, Timestamp computedAt,
      ReportPlan plan, GroupingSets groupings, Verdicts verdicts, ReportPlan pass, String bucketBy,
      EnginePolicy.Choice engine, InvalidRows.Quarantine quarantine, boolean statesAtHand) {
    this.spark = spark;
    this.spec = spec;
    this.input = input;
    this.runId = runId;
    this.computedAt = computedAt;
    this.plan = plan;
    this.groupings = groupings;
    this.verdicts = verdicts;
    this.pass = pass;
    this.bucketBy = bucketBy;
    this.engine = engine;
    this.quarantine = quarantine;
    this.statesAtHand = statesAtHand;
  }

  /** This run, its quarantined rows ({@code --invalid quarantine}) given to {@code sink} instead of the job's write. */
  public ReportRun quarantiningTo(InvalidRows.Quarantine sink) {
    return new ReportRun(spark, spec, input, runId, computedAt, plan, groupings, verdicts, pass, bucketBy, engine, sink,
        statesAtHand);
  }

  /**
   * This run, its saved states ({@link JobReport#savedStates}) a local table on the driver when the pass has
   * at most {@value #LOCAL_STATES_CONF} state rows (they come back with the pass's own job): a caller that
   * works on them further (the stream's windows) then needs no Spark job to read them.
   */
  public ReportRun keepingStatesAtHand() {
    return new ReportRun(spark, spec, input, runId, computedAt, plan, groupings, verdicts, pass, bucketBy, engine,
        quarantine, true);
  }

  /**
   * Plans the report of {@code spec} over {@code input} (no Spark job): every usage error the schema,
   * the groupings, the comparison, the gates or the engine setting can show is thrown here.
   *
   * @param runId the run's id, in every report row
   * @param computedAt the run's time, in every report row
   */
  public static ReportRun plan(SparkSession spark, JobSpec spec, Dataset<Row> input, String runId,
      Timestamp computedAt) {
    ReportPlan plan = ReportPlan.of(spec, input.schema());
    GroupingSets groupings = GroupingSets.of(plan.keys(), spec.groupingSets());
    CiSpec ci = spec.ci();
    Verdicts verdicts = Verdicts.of(spark, spec.compare(), spec.gates(), plan.keys(), input.schema(),
        plan.set().outputNames(), groupings, ci == null ? null : ci.level(), ci != null && ci.idColumn() != null);
    // With --ci, the pass groups by the keys and the row's bucket (the last key of the pass).
    List<String> hashColumns = ci == null ? null : JackknifeBuckets.hashColumns(ci, plan.slots(), input.schema());
    ReportPlan pass = ci == null ? plan
        : plan.withBuckets(new Bucketing(CiSpec.BUCKET_COLUMN, hashColumns, ci.buckets()));
    String bucketBy = ci == null ? null
        : ci.idColumn() != null ? SavedStateTable.byId(hashColumns.get(0)) : SavedStateTable.byValues(hashColumns);
    EnginePolicy.Choice engine = pass.engine(spark.conf().get(ReportPlan.ENGINE_CONF, "auto"), input); // bad: fails here
    LOG.info("Plan: {} loss(es) [{}] over {} input column(s) {}, keys {}, groupings {}, engine {}{}",
        plan.losses().size(), plan.set().signature(), plan.slots().size(),
        plan.slots().stream().map(InputSlot::column).toList(), plan.keys(), groupings.sets(), engine,
        ci == null ? "" : ", jackknife over " + ci.buckets() + " buckets");
    return new ReportRun(spark, spec, input, runId, computedAt, plan, groupings, verdicts, pass, bucketBy, engine, null,
        false);
  }

  /**
   * What the states this run saves ({@code --states}) hold, for a rollup over them that need not look
   * ({@code api.Rollup#over}); {@code expectedRows}: about how many report rows they will give.
   */
  public org.sparklossreport.state.HeldStates held(long expectedRows) {
    return org.sparklossreport.state.HeldStates.of(plan.set(), spec.ci() == null ? 0 : spec.ci().buckets(), bucketBy,
        expectedRows);
  }

  /** The report's key columns. */
  public List<String> keys() {
    return plan.keys();
  }

  /**
   * Runs the pass and gives the report: streamed when {@link #streams} (the writer can take a report in
   * two parts: {@code writesTails}), else from the persisted states.
   *
   * @param t0 when the run started ({@link System#nanoTime}), for the log
   */
  public JobReport run(boolean writesTails, long t0) {
    return streams(writesTails) ? streamed(t0) : persisted(t0);
  }

  /**
   * The report from the pass's persisted states: the plan, the pass (one state per key, and bucket with
   * intervals), the invalid-row policy, every grouping, the intervals and the comparison.
   */
  public JobReport persisted(long t0) {
    return PersistedReport.compute(this, t0);
  }

  /**
   * Whether to write the report as the pass's merge makes it ({@link StreamedReport}, one Spark job after
   * the pass): for the finest keys and the overall rows, without intervals, saved states, coarser
   * groupings, comparisons or gates, to a writer that takes a tail. {@value #STREAMED_CONF}=false turns it
   * off (tests compare both ways).
   */
  private boolean streams(boolean writesTails) {
    return Boolean.parseBoolean(spark.conf().get(STREAMED_CONF, "true").trim()) && spec.ci() == null
        && spec.states() == null && verdicts.none() && writesTails && !plan.keys().isEmpty()
        && groupings.hasFinest() && groupings.coarser().isEmpty();
  }

  /**
   * The run of {@link #streams}: the pass's map stage, then (as the caller writes the rows) one job that
   * merges each key's partial states and makes its report rows, adding up the summary as it goes; then, in
   * the tail, before the commit, the invalid-row policy over the overall state and the overall rows.
   */
  private JobReport streamed(long t0) {
    LossSet set = plan.set();
    List<StructField> keyFields = keyFields();
    StructType schema = ReportRows.schema(keyFields);
    ReportRows rows = rows();
    Dataset<Row> states = plan.aggregate(input, engine);
    StreamedReport streamed = StreamedReport.of(spark, states, set, rows, schema);
    boolean overall = groupings.hasOverall();
    KeySummary[] summary = {null};
    JobReport.Tail tail = new JobReport.Tail(
        overall ? spark.createDataFrame(rows.ofOverall(set.zero()), schema) : null, () -> {
          KeySummary k = streamed.summary();
          summary[0] = k;
          LOG.info("Aggregated {} input row(s) in {} s", inputRows(plan, k.overall()), seconds(System.nanoTime() - t0));
          new InvalidRows(spark, spec, plan, () -> states, k.overall(), k::zeroWeight, quarantine).apply(input);
          return overall ? spark.createDataFrame(rows.ofOverall(k.overall()), schema).coalesce(1) : null;
        });
    return new JobReport(plan.keys(), streamed.keyed(), tail, null, 0, output -> {
      KeySummary k = summary[0];
      List<Row> overallRows = rows.ofOverall(k.overall());
      long reportRows = (k.keys() + (overall ? 1 : 0)) * overallRows.size();
      List<Row> preview = preview(plan.keys().size(), overall ? overallRows : List.of(), k.sample(), List.of(), rows);
      return new RunResult(runId, output, inputRows(plan, k.overall()), reportRows, preview, schema, k.keys(),
          List.of());
    }, () -> {});
  }

  /** The report's schema: its columns, the key columns typed as in the input. */
  public StructType schema() {
    return ReportRows.schema(keyFields());
  }

  /** The report rows' maker for this run (without intervals). */
  ReportRows rows() {
    return new ReportRows(plan.set(), plan.keys(), spec.where(), runId, computedAt);
  }

  /** The key columns' fields in the input. */
  List<StructField> keyFields() {
    return plan.keys().stream().map(k -> ColumnTypes.find(input.schema(), k)).toList();
  }

  /** How many files (write tasks) a report of {@code rows} rows gets: one per {@link #ROWS_PER_FILE}, up to {@code max} (the default parallelism). */
  public static int files(long rows, int max) {
    return (int) Math.max(1, Math.min(max, (rows + ROWS_PER_FILE - 1) / ROWS_PER_FILE));
  }

  /**
   * The first report rows the command prints: the overall rows, then a few finest keys' rows, each by
   * loss, then rows of coarser groupings.
   */
  static List<Row> preview(int keyCount, List<Row> overallRows, List<Row> sample, List<Row> coarser,
      ReportRows rows) {
    int lossAt = keyCount + 1;
    Comparator<Row> byLoss = Comparator.comparing(r -> r.getString(lossAt));
    List<Row> out = new ArrayList<>(overallRows);
    out.sort(byLoss);
    if (keyCount > 0) {
      List<Row> keyed = new ArrayList<>();
      sample.forEach(s -> rows.ofKeyed(s).forEachRemaining(keyed::add));
      keyed.sort(byLoss); // stable: the keys of the first loss, then of the next
      out.addAll(keyed);
      out.addAll(coarser);
    }
    return List.copyOf(out.subList(0, Math.min(out.size(), KeySummary.SAMPLE)));
  }

  /** Input rows = contributing + invalid rows of the first loss (every loss sees every row). */
  static long inputRows(ReportPlan plan, LossState overall) {
    BoundLoss first = plan.losses().get(0);
    long n = first.rows(overall);
    for (InvalidReason r : InvalidReason.values()) {
      n += first.invalid(overall, r);
    }
    return n;
  }

  static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }
}
