package org.sparklossreport.api;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.Bucketing;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.output.ReportWriter;
import org.sparklossreport.report.EnginePolicy;
import org.sparklossreport.report.GroupingSetMerge;
import org.sparklossreport.report.GroupingSets;
import org.sparklossreport.report.InvalidRows;
import org.sparklossreport.report.JackknifeBuckets;
import org.sparklossreport.report.KeySummary;
import org.sparklossreport.report.PassResult;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.report.RunResult;
import org.sparklossreport.report.StreamedReport;
import org.sparklossreport.report.Verdicts;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.state.SavedStateTable;
import org.sparklossreport.state.StateStruct;

/**
 * The loss-report job: reads the prediction table, plans one pass for every requested loss, aggregates
 * one {@link LossState} per key (decoding each row once for all losses), merges the key states into the
 * overall state, applies the invalid-row policy, and writes the report atomically.
 *
 * <p>Steps and where each check happens: options and losses (before Spark reads anything), output path
 * (before the scan), schema (on the driver, from the input's schema), invalid rows (after the single
 * pass, from the counters in the states), write (staging, then commit).
 */
public final class LossReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(LossReportJob.class);

  private final SparkSession spark;
  private final JobSpec spec;
  private final String runId;
  private final Timestamp computedAt;

  public LossReportJob(SparkSession spark, JobSpec spec) {
    this.spark = spark;
    this.spec = spec;
    Instant now = Instant.now();
    this.computedAt = Timestamp.from(now);
    this.runId = runIdAt(now);
  }

  /** A new run id: the UTC time, then 8 random hex digits ({@code 20261130T231500Z-1a2b3c4d}). */
  static String runIdAt(Instant now) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now)
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Runs the job; throws {@link UsageException} for the user's mistakes. */
  public RunResult run() throws IOException {
    long t0 = System.nanoTime();
    ReportWriter writer = ReportWriter.of(spark, spec.output(), spec.outputFormat(), runId);
    checkOutputOutsideInput(writer.output(), "--output", spec.output());
    checkQuarantineApart(writer.output());
    ReportWriter statesWriter = spec.states() == null ? null
        : ReportWriter.of(spark, spec.states(), statesFormat(spec.outputFormat()), runId, ReportWriter.Table.STATES);
    if (statesWriter != null) {
      checkOutputOutsideInput(statesWriter.output(), "--states", spec.states());
      checkApart(statesWriter.output(), writer.output());
    }
    writer.prepare(spec.mode());
    if (statesWriter != null) {
      statesWriter.prepare(spec.mode());
    }

    Dataset<Row> input = read();
    Setup setup = setup(input);
    if (streams(setup, writer)) {
      return runStreamed(input, setup, writer, t0);
    }
    try (Computed c = compute(input, setup, t0)) {
      if (statesWriter != null) {
        saveStates(c.states(), c.plan(), c.bucketBy(), c.keyFields(), Math.max(c.passRows(), 1), statesWriter);
      }
      long t1 = System.nanoTime();
      writer.write(c.report(), spec.mode(), c.plan().keys()); // the only job after the pass without gates or comparison
      List<GateOutcome> gates = c.local() != null ? c.verdicts().gates(c.local(), c.schema())
          : c.verdicts().gates(c.report());
      LOG.info("Wrote {} report row(s) ({} key(s)) to {} in {} s", c.reportRows(), c.keys(), writer.output(),
          seconds(System.nanoTime() - t1));
      return new RunResult(runId, writer.output().toString(), c.inputRows(), c.reportRows(), c.preview(), c.schema(),
          c.keys(), gates);
    }
  }

  /**
   * A computed report, not written: {@code report} (the report's columns) reads the cached states of the
   * pass, so it is valid until {@link #close}, which unpersists them.
   *
   * @param report the report rows, compared with the baseline when asked
   * @param reportRows how many rows {@code report} has
   * @param preview the rows the command prints
   * @param keys the finest keys
   * @param inputRows rows read
   * @param schema the report's schema
   * @param states the states of the pass (key columns, [bucket,] state), cached
   * @param passRows the state rows of the pass
   * @param plan the plan of the pass
   * @param bucketBy how rows were hashed to buckets ({@link SavedStateTable#BUCKET_BY}), null without intervals
   * @param keyFields the key columns' fields
   * @param verdicts the comparison and the gates
   * @param cached what to unpersist
   * @param local the report's rows when they are on the driver, else null
   */
  record Computed(Dataset<Row> report, long reportRows, List<Row> preview, long keys, long inputRows,
      StructType schema, Dataset<Row> states, long passRows, ReportPlan plan, String bucketBy,
      List<StructField> keyFields, Verdicts verdicts, List<Object> cached, List<Row> local) implements AutoCloseable {
    @Override
    public void close() {
      cached.forEach(Verdicts::unpersist);
    }
  }

  /**
   * The one pass over {@code input} and the report it gives, not written: the plan, the pass (one state
   * per key, and bucket with intervals), the invalid-row policy, every grouping, the intervals and the
   * comparison. What the job writes, and what {@link LossReport} returns.
   */
  Computed compute(Dataset<Row> input, long t0) {
    return compute(input, setup(input), t0);
  }

  /**
   * What a run decides before its pass: the plan, the groupings, the comparison and gates (checked
   * against the plan), and the pass (with {@code --ci}, by key and bucket) with its engine.
   */
  private record Setup(ReportPlan plan, GroupingSets groupings, Verdicts verdicts, ReportPlan pass, String bucketBy,
      EnginePolicy.Choice engine) {}

  private Setup setup(Dataset<Row> input) {
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
    return new Setup(plan, groupings, verdicts, pass, bucketBy, engine);
  }

  /**
   * Whether to write the report as the pass's merge makes it ({@link StreamedReport}, one Spark job after
   * the pass): for the finest keys and the overall rows, without intervals, saved states, coarser
   * groupings, comparisons or gates, to files. {@value #STREAMED_CONF}=false turns it off (tests compare
   * both ways).
   */
  private boolean streams(Setup s, ReportWriter writer) {
    return Boolean.parseBoolean(spark.conf().get(STREAMED_CONF, "true").trim()) && spec.ci() == null
        && spec.states() == null && s.verdicts().none() && writer.writesTails() && !s.plan().keys().isEmpty()
        && s.groupings().hasFinest() && s.groupings().coarser().isEmpty();
  }

  /** Off: every run persists its key states and summarizes them in a job of their own before writing. */
  public static final String STREAMED_CONF = "spark.lossreport.streamedWrite";

  /**
   * The run of {@link #streams}: the pass's map stage, then one job that merges each key's partial states
   * and writes its report rows, adding up the summary as it goes; then, before the commit, the
   * invalid-row policy over the overall state and the overall rows.
   */
  private RunResult runStreamed(Dataset<Row> input, Setup setup, ReportWriter writer, long t0) throws IOException {
    ReportPlan plan = setup.plan();
    LossSet set = plan.set();
    List<StructField> keyFields = plan.keys().stream().map(k -> ColumnTypes.find(input.schema(), k)).toList();
    StructType schema = ReportRows.schema(keyFields);
    ReportRows rows = new ReportRows(set, plan.keys(), spec.where(), runId, computedAt);
    Dataset<Row> states = plan.aggregate(input, setup.engine());
    StreamedReport streamed = StreamedReport.of(spark, states, set, rows, schema);
    boolean overall = setup.groupings().hasOverall();
    KeySummary[] summary = {null};
    ReportWriter.Tail tail = new ReportWriter.Tail(
        overall ? spark.createDataFrame(rows.ofOverall(set.zero()), schema) : null, () -> {
          KeySummary k = streamed.summary();
          summary[0] = k;
          LOG.info("Aggregated {} input row(s) in {} s", inputRows(plan, k.overall()), seconds(System.nanoTime() - t0));
          new InvalidRows(spark, spec, plan, () -> states, k.overall(), k::zeroWeight).apply(input);
          return overall ? spark.createDataFrame(rows.ofOverall(k.overall()), schema).coalesce(1) : null;
        });
    long t1 = System.nanoTime();
    writer.write(streamed.keyed(), spec.mode(), plan.keys(), tail);
    KeySummary k = summary[0];
    List<Row> overallRows = rows.ofOverall(k.overall());
    long reportRows = (k.keys() + (overall ? 1 : 0)) * overallRows.size();
    LOG.info("Wrote {} report row(s) ({} key(s)) to {} in {} s", reportRows, k.keys(), writer.output(),
        seconds(System.nanoTime() - t1));
    List<Row> preview = preview(plan.keys().size(), overall ? overallRows : List.of(), k.sample(), List.of(), rows);
    return new RunResult(runId, writer.output().toString(), inputRows(plan, k.overall()), reportRows, preview, schema,
        k.keys(), List.of());
  }

  private Computed compute(Dataset<Row> input, Setup setup, long t0) {
    ReportPlan plan = setup.plan();
    GroupingSets groupings = setup.groupings();
    CiSpec ci = spec.ci();
    Verdicts verdicts = setup.verdicts();
    ReportPlan pass = setup.pass();
    String bucketBy = setup.bucketBy();
    EnginePolicy.Choice engine = setup.engine();

    // Persisted as Spark's internal rows (PassResult): a Dataset cache took a job of its own to build, and
    // an RDD of Row objects costs more for many keys, as Spark estimates their size by walking them.
    PassResult passStates = PassResult.persist(spark, pass.aggregate(input, engine));
    Dataset<Row> states = passStates.dataset();
    List<Object> cached = new ArrayList<>(); // RDDs and Datasets, unpersisted with the states
    cached.add(passStates);
    try {
      LossSet set = plan.set();
      // the pass, and one merge; with --ci, a small pass's state rows all come back with it (LOCAL_STATES_CONF)
      KeySummary summary = KeySummary.of(passStates, set,
          ci == null ? KeySummary.SAMPLE : Integer.parseInt(spark.conf().get(LOCAL_STATES_CONF, "20000").trim()));
      LossState overall = summary.overall();
      long inputRows = inputRows(plan, overall);
      LOG.info("Aggregated {} input row(s) in {} s", inputRows, seconds(System.nanoTime() - t0));

      Dataset<Row> byKey = ci == null ? states : overBuckets(states, plan);
      new InvalidRows(spark, spec, plan, () -> byKey, overall, ci == null ? summary::zeroWeight
          : () -> InvalidRows.firstKey(byKey, r -> KeySummary.zeroWeight(set, StateStruct.fromRow(r.getStruct(plan.keys().size())))))
          .apply(input);

      List<StructField> keyFields = plan.keys().stream().map(k -> ColumnTypes.find(input.schema(), k)).toList();
      Pass p = new Pass(passStates, summary, plan, groupings, keyFields, overall, verdicts, cached);
      Built b = ci != null ? withIntervals(p) : byKey(p);
      return new Computed(b.report(), b.reportRows(), b.preview(), b.keys(), inputRows, ReportRows.schema(keyFields),
          states, summary.keys(), plan, bucketBy, keyFields, verdicts, cached, b.local());
    } catch (RuntimeException e) {
      cached.forEach(Verdicts::unpersist);
      throw e;
    }
  }

  /** What the report is built from: the cached states of the pass and what the driver knows of them. */
  private record Pass(PassResult passStates, KeySummary summary, ReportPlan plan, GroupingSets groupings,
      List<StructField> keyFields, LossState overall, Verdicts verdicts, List<Object> cached) {
    Dataset<Row> states() {
      return passStates.dataset();
    }
  }

  /**
   * A built report: its rows, how many, the rows to print, the finest keys, and the rows themselves when
   * they are on the driver (else null).
   */
  private record Built(Dataset<Row> report, long reportRows, List<Row> preview, long keys, List<Row> local) {}

  /**
   * The report without intervals: the finest keys' rows straight from the states, each coarser grouping's
   * from one merge of them, and the overall rows from the driver's overall state.
   */
  private Built byKey(Pass p) {
    ReportPlan plan = p.plan();
    GroupingSets groupings = p.groupings();
    Verdicts verdicts = p.verdicts();
    LossSet set = plan.set();
    long keys = plan.keys().isEmpty() ? 0 : p.summary().keys();
    StructType schema = ReportRows.schema(p.keyFields());
    ReportRows rows = new ReportRows(set, plan.keys(), spec.where(), runId, computedAt);
    List<Row> overallRows = rows.ofOverall(p.overall());
    long outputs = overallRows.size(); // every state gives one row per loss output
    List<Dataset<Row>> parts = new ArrayList<>();
    long reportRows = 0;
    if (groupings.hasFinest()) {
      PassResult ps = p.passStates();
      DataType[] keyTypes = ps.keyTypes();
      StateStruct.Reader reader = ps.reader();
      parts.add(((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(
          ps.rows().flatMap(r -> rows.ofKeyed(r, keyTypes, reader.read(r, keyTypes.length))).rdd(), schema, false));
      reportRows += keys * outputs;
    }
    List<Row> coarserSample = new ArrayList<>();
    for (GroupingSets.Grouping g : groupings.coarser()) {
      JavaPairRDD<List<Object>, LossState> merged = GroupingSetMerge.merge(p.states().javaRDD(), plan.keys().size(), g, set)
          .persist(StorageLevel.MEMORY_AND_DISK());
      p.cached().add(merged);
      reportRows += merged.count() * outputs; // one job per coarser grouping, whose result the write reuses
      String name = g.name();
      JavaRDD<Row> groupRows = merged.flatMap(t -> rows.rows(t._1().toArray(), name, t._2()).iterator());
      if (coarserSample.size() < KeySummary.SAMPLE) {
        coarserSample.addAll(groupRows.take(KeySummary.SAMPLE));
      }
      parts.add(spark.createDataFrame(groupRows, schema));
    }
    if (groupings.hasOverall()) {
      parts.add(spark.createDataFrame(overallRows, schema));
      reportRows += outputs;
    }
    Dataset<Row> report = parts.get(0);
    for (Dataset<Row> part : parts.subList(1, parts.size())) {
      report = report.union(part);
    }
    report = verdicts.compared(report);
    if (!plan.keys().isEmpty()) {
      report = report.coalesce(files(reportRows, spark.sparkContext().defaultParallelism()));
    }
    report = verdicts.cached(report, p.cached());
    List<Row> preview = verdicts.preview(report, preview(plan.keys().size(),
        groupings.hasOverall() ? overallRows : List.of(), groupings.hasFinest() ? p.summary().sample() : List.of(),
        coarserSample, rows));
    return new Built(report, reportRows, preview, keys, null);
  }

  /**
   * The report with jackknife intervals ({@code --ci}): every grouping's states by bucket, from the
   * states by key and bucket in one shuffle (each state goes to one group per grouping), then per group
   * its value (the buckets merged) and the intervals of {@link JackknifeBuckets#intervals}.
   */
  private Built withIntervals(Pass p) {
    Dataset<Row> states = p.states();
    KeySummary summary = p.summary();
    ReportPlan plan = p.plan();
    GroupingSets groupings = p.groupings();
    List<StructField> keyFields = p.keyFields();
    LossState overall = p.overall();
    List<Object> cached = p.cached();
    Verdicts verdicts = p.verdicts();
    CiSpec ci = spec.ci();
    int keyCount = plan.keys().size();
    List<GroupingSets.Grouping> gs = new ArrayList<>(groupings.sets());
    int finest = -1;
    for (int g = 0; g < gs.size(); g++) {
      if (gs.get(g).positions().length == keyCount && keyCount > 0) {
        finest = g;
      }
    }
    if (finest < 0 && keyCount > 0) { // counted for the summary, not reported
      gs.add(GroupingSets.byAll(plan.keys()));
      finest = gs.size() - 1;
    }
    int reported = groupings.sets().size();
    Map<String, LossSet> sets = Map.of("", plan.set());
    int buckets = ci.buckets();
    double level = ci.level();
    LossSet set = plan.set();
    ReportRows rows = new ReportRows(plan.set(), plan.keys(), spec.where(), runId, computedAt)
        .with(level, verdicts.scored());
    Map<Integer, Long> perGrouping;
    JavaRDD<Row> reportRdd = null;
    List<Row> reportList = null;
    if (summary.all() != null) { // few states: group them on the driver, no shuffle and no counting job
      Map<List<Object>, JackknifeBuckets> groups = new java.util.LinkedHashMap<>();
      for (Row r : summary.all()) {
        groupsOf(r, keyCount, gs).forEachRemaining(t -> groups.computeIfAbsent(t._1(), k -> new JackknifeBuckets(buckets))
            .add("", t._2()._1(), t._2()._2(), sets));
      }
      perGrouping = new java.util.HashMap<>();
      reportList = new ArrayList<>();
      for (Map.Entry<List<Object>, JackknifeBuckets> e : groups.entrySet()) {
        int g = (Integer) e.getKey().get(keyCount);
        perGrouping.merge(g, 1L, Long::sum);
        if (g < reported) {
          reportList.addAll(rows.rows(e.getKey().subList(0, keyCount).toArray(), gs.get(g).name(),
              e.getValue().total(set), e.getValue().replicates(set)));
        }
      }
    } else { // every grouping's bucket states in one shuffle of the states
      JavaPairRDD<List<Object>, JackknifeBuckets> groups = states.javaRDD().flatMapToPair(r -> groupsOf(r, keyCount, gs))
          .aggregateByKey(new JackknifeBuckets(buckets), (acc, v) -> acc.add("", v._1(), v._2(), sets),
              (a, b) -> a.merge(b, sets)).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(groups);
      perGrouping = groups.map(t -> (Integer) t._1().get(keyCount)).countByValue();
      reportRdd = groups.filter(t -> (Integer) t._1().get(keyCount) < reported).flatMap(t -> {
        GroupingSets.Grouping g = gs.get((Integer) t._1().get(keyCount));
        return rows.rows(t._1().subList(0, keyCount).toArray(), g.name(), t._2().total(set),
            t._2().replicates(set)).iterator();
      });
    }
    long keys = finest < 0 ? 0 : perGrouping.getOrDefault(finest, 0L);
    long outputs = rows.ofOverall(overall).size();
    long reportRows = 0;
    for (int g = 0; g < reported; g++) {
      reportRows += perGrouping.getOrDefault(g, 0L) * outputs;
    }
    List<Row> overallRows = new ArrayList<>();
    if (groupings.hasOverall() && perGrouping.isEmpty()) { // an empty input: no state, still the overall rows
      overallRows.addAll(rows.ofOverall(overall));
      reportRows += outputs;
    }
    StructType scoredSchema = rows.schemaOf(keyFields);
    List<Row> preview = new ArrayList<>(overallRows);
    Dataset<Row> report;
    if (reportList != null) { // on the driver: compared, previewed and gated there, without Spark jobs
      reportList.addAll(overallRows);
      reportList = verdicts.compared(reportList, scoredSchema);
      report = spark.createDataFrame(reportList, ReportRows.schema(keyFields));
      preview.clear();
      reportList.stream().filter(r -> r.getString(keyCount).equals(ReportRows.OVERALL)).forEach(preview::add);
      reportList.stream().limit(KeySummary.SAMPLE).filter(r -> !r.getString(keyCount).equals(ReportRows.OVERALL))
          .forEach(preview::add);
    } else {
      report = spark.createDataFrame(reportRdd, scoredSchema).union(spark.createDataFrame(overallRows, scoredSchema));
      if (!verdicts.comparing()) {
        preview.addAll(reportRdd.take(KeySummary.SAMPLE));
      }
      report = verdicts.compared(report).coalesce(files(reportRows, spark.sparkContext().defaultParallelism()));
      report = verdicts.cached(report, cached);
    }
    int lossAt = keyCount + 1;
    preview.sort(java.util.Comparator.comparing((Row r) -> !r.getString(keyCount).equals(ReportRows.OVERALL))
        .thenComparing(r -> r.getString(lossAt)));
    preview = new ArrayList<>(reportList != null ? verdicts.preview(reportList, preview)
        : verdicts.preview(report, preview));
    return new Built(report, reportRows, List.copyOf(preview.subList(0, Math.min(preview.size(), KeySummary.SAMPLE))),
        keys, reportList);
  }

  /**
   * State rows of the pass (key and bucket) at most this many (default 20,000) come back to the driver with
   * the pass's own job, and a {@code --ci} report is then built there: for the usual tens to thousands of keys this saves
   * a shuffle and two Spark jobs, which are most of the cost of the intervals in a warm session.
   */
  public static final String LOCAL_STATES_CONF = "spark.lossreport.ci.localStates";

  /** The (grouping's key values + grouping index, (bucket, state)) pairs of one state row of the pass. */
  private static java.util.Iterator<scala.Tuple2<List<Object>, scala.Tuple2<Integer, LossState>>> groupsOf(Row r,
      int keyCount, List<GroupingSets.Grouping> gs) {
    Object[] finestKeys = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      finestKeys[i] = r.get(i);
    }
    int bucket = r.getInt(keyCount);
    LossState state = StateStruct.fromRow(r.getStruct(keyCount + 1));
    List<scala.Tuple2<List<Object>, scala.Tuple2<Integer, LossState>>> out = new ArrayList<>(gs.size());
    for (int g = 0; g < gs.size(); g++) {
      List<Object> key = new ArrayList<>(java.util.Arrays.asList(gs.get(g).project(finestKeys)));
      key.add(g);
      out.add(new scala.Tuple2<>(key, new scala.Tuple2<>(bucket, g == 0 ? state : state.copy())));
    }
    return out.iterator();
  }

  /**
   * The states by key alone from the states by key and bucket (for the invalid-row checks, which look at
   * a key's total weight): computed only when a check needs a key's state.
   */
  private Dataset<Row> overBuckets(Dataset<Row> states, ReportPlan plan) {
    int keyCount = plan.keys().size();
    if (keyCount == 0) { // one state per bucket: the states by key are the overall state
      return states.drop(CiSpec.BUCKET_COLUMN);
    }
    GroupingSets.Grouping keysOnly = GroupingSets.byAll(plan.keys());
    StructType schema = states.schema();
    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    fields.remove(keyCount); // the bucket
    LossSet set = plan.set();
    JavaRDD<Row> merged = GroupingSetMerge.merge(states.javaRDD(), keyCount + 1, keysOnly, set).map(t -> {
      Object[] v = new Object[keyCount + 1];
      for (int i = 0; i < keyCount; i++) {
        v[i] = t._1().get(i);
      }
      v[keyCount] = StateStruct.toRow(t._2());
      return org.apache.spark.sql.RowFactory.create(v);
    });
    return spark.createDataFrame(merged, new StructType(fields.toArray(StructField[]::new)));
  }

  /**
   * {@code --states}: the finest key states, one row per key and loss ({@link SavedStateTable}), written with
   * the report's mode and identity rule, before the report (a run that then fails leaves states that its
   * rerun replaces, key by key).
   */
  private void saveStates(Dataset<Row> states, ReportPlan plan, String bucketBy, List<StructField> keyFields,
      long keys, ReportWriter statesWriter) throws IOException {
    SavedStateTable table = new SavedStateTable(plan.set(), plan.keys().size(), bucketBy, runId, computedAt);
    StructType schema = SavedStateTable.schema(keyFields);
    long rows = keys * plan.losses().size();
    Dataset<Row> saved = states.flatMap((FlatMapFunction<Row, Row>) table::rowsOf, Encoders.row(schema))
        .coalesce(files(rows, spark.sparkContext().defaultParallelism()));
    statesWriter.write(saved, spec.mode(), plan.keys());
    LOG.info("Saved {} state(s) to {}", rows, statesWriter.output());
  }

  /** The format of saved states: Delta beside a Delta report, else Parquet (CSV cannot hold a state's struct). */
  static String statesFormat(String outputFormat) {
    return outputFormat.equals("delta") ? "delta" : "parquet";
  }

  /** Report rows per written file: fewer, larger files (each file is a task and a commit). */
  static final long ROWS_PER_FILE = 250_000;

  /** How many files (write tasks) a report of {@code rows} rows gets: one per {@link #ROWS_PER_FILE}, up to {@code max} (the default parallelism). */
  static int files(long rows, int max) {
    return (int) Math.max(1, Math.min(max, (rows + ROWS_PER_FILE - 1) / ROWS_PER_FILE));
  }

  /**
   * The first report rows the command prints: the overall rows, then a few finest keys' rows, each by
   * loss, then rows of coarser groupings.
   */
  private static List<Row> preview(int keyCount, List<Row> overallRows, List<Row> sample, List<Row> coarser,
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

  /** The report's loss names of {@code set}: each loss and its extra outputs ({@code mse_gradient.gradient_norm}). */

  /** Input rows = contributing + invalid rows of the first loss (every loss sees every row). */
  private static long inputRows(ReportPlan plan, LossState overall) {
    BoundLoss first = plan.losses().get(0);
    long n = first.rows(overall);
    for (InvalidReason r : InvalidReason.values()) {
      n += first.invalid(overall, r);
    }
    return n;
  }

  private Dataset<Row> read() {
    Dataset<Row> df;
    try {
      if (spec.table() != null) {
        df = spark.table(spec.table());
      } else {
        DataFrameReader r = spark.read().format(spec.inputFormat());
        if (spec.inputFormat().equals("delta")) {
          r = timeTravel(r); // a Delta table's own reader says when the path is not one
        } else {
          checkInputHasData();
        }
        if (spec.inputFormat().equals("csv")) {
          r = r.option("header", "true").option("inferSchema", spec.inputSchema() == null ? "true" : "false");
        }
        if (spec.inputSchema() != null) {
          r = r.schema(spec.inputSchema());
        }
        df = r.load(spec.input());
      }
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) { // Scala throws AnalysisException unchecked
      if (String.valueOf(e.getMessage()).contains("DATA_SOURCE_NOT_FOUND")) {
        throw new UsageException("--input-format " + spec.inputFormat() + " is not available on this classpath"
            + " (delta needs io.delta:delta-spark on the classpath)", e);
      }
      if (e instanceof org.apache.spark.sql.catalyst.parser.ParseException) {
        throw new UsageException("--input-schema '" + spec.inputSchema() + "': " + Messages.firstLine(e.getMessage()), e);
      }
      if (e instanceof AnalysisException) {
        throw new UsageException("cannot read " + spec.inputDescription() + ": " + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    LOG.info("Reading {} ({} column(s))", spec.inputDescription(), df.schema().size());
    if (spec.where() != null) {
      try {
        df = df.where(spec.where());
        df.schema(); // resolve now: a bad filter is the user's mistake, reported before the scan
        df.queryExecution().analyzed();
      } catch (Exception e) { // Scala throws AnalysisException unchecked
        if (e instanceof AnalysisException) {
          throw new UsageException("--where \"" + spec.where() + "\": " + Messages.firstLine(e.getMessage()), e);
        }
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
    }
    return df;
  }

  /** {@code --input-version} / {@code --input-timestamp}: the Delta table as of that version or time. */
  private DataFrameReader timeTravel(DataFrameReader r) {
    if (spec.inputVersion() != null) {
      return r.option("versionAsOf", spec.inputVersion());
    }
    return spec.inputTimestamp() != null ? r.option("timestampAsOf", spec.inputTimestamp()) : r;
  }

  private void checkInputHasData() {
    try {
      Path p = new Path(spec.input());
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new UsageException("--input '" + spec.input() + "': no such file or directory");
      }
      for (FileStatus st : matches) {
        if (st.isFile() || hasDataFile(fs, st.getPath())) {
          return;
        }
      }
      throw new UsageException("--input '" + spec.input() + "' holds no data files");
    } catch (IOException e) {
      throw new UsageException("--input '" + spec.input() + "' cannot be listed: " + e.getMessage(), e);
    }
  }

  private static boolean hasDataFile(FileSystem fs, Path dir) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (st.isFile() ? st.getLen() > 0 : hasDataFile(fs, st.getPath())) {
        return true;
      }
    }
    return false;
  }

  /** {@code option}'s path ({@code given}, qualified {@code output}) is not, holds or lies in the input. */
  private void checkOutputOutsideInput(Path output, String option, String given) {
    if (spec.input() == null) {
      return;
    }
    String base = inputBase();
    String out = output.toString() + "/";
    if (out.startsWith(base) || base.startsWith(out)) {
      throw new UsageException(option + " '" + given + "' is the input or lies inside (or around) the input '"
          + spec.input() + "'; write it elsewhere");
    }
  }

  /** The states and the report are separate tables: neither may hold the other. */
  private void checkApart(Path states, Path output) {
    String a = states + "/";
    String b = output + "/";
    if (a.startsWith(b) || b.startsWith(a)) {
      throw new UsageException("--states '" + spec.states() + "' is the --output '" + spec.output()
          + "' or lies inside (or around) it; save the states elsewhere");
    }
  }

  /** The qualified input path up to its first glob character, ending in '/'. */
  private String inputBase() {
    try {
      Path in = new Path(spec.input());
      FileSystem fs = in.getFileSystem(spark.sparkContext().hadoopConfiguration());
      String base = fs.makeQualified(in).toString().replaceAll("[*?\\[{].*$", "");
      return base.endsWith("/") ? base : base + "/";
    } catch (IOException e) {
      throw new UsageException("--input '" + spec.input() + "' is not a usable path: " + e.getMessage(), e);
    }
  }

  /**
   * The quarantine directory is written in mode overwrite (and the report is swapped in whole), so it must
   * not be, hold or lie inside the input or the report's output.
   */
  private void checkQuarantineApart(Path output) {
    if (spec.invalid().kind() != InvalidPolicy.Kind.QUARANTINE) {
      return;
    }
    String q = spec.invalid().quarantinePath();
    String path;
    try {
      Path p = new Path(q);
      path = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p) + "/";
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--invalid quarantine path '" + q + "' is not a usable path: " + e.getMessage(), e);
    }
    String out = output.toString() + "/";
    String in = spec.input() == null ? null : inputBase();
    if (path.startsWith(out) || out.startsWith(path) || (in != null && (path.startsWith(in) || in.startsWith(path)))) {
      throw new UsageException("--invalid quarantine path '" + q + "' is the input or the output, or lies inside"
          + " (or around) one of them (input '" + spec.inputDescription() + "', output '" + spec.output()
          + "'); write the invalid rows elsewhere");
    }
  }


  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }

}
