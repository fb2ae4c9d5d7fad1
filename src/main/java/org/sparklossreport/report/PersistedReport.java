package org.sparklossreport.report;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
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
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.state.SavedStateTable;
import org.sparklossreport.state.StateStruct;

/**
 * The report of a {@link ReportRun} from the pass's persisted states ({@link PassResult}): one job merges
 * and summarizes them ({@link KeySummary}), the invalid-row policy checks the overall state, and the report
 * is built from them: without intervals here ({@link #byKey}: the finest keys' rows straight from the
 * states, each coarser grouping's from one merge of them, the overall rows from the driver's overall
 * state), with intervals by {@link IntervalReport}; then compared with the baseline when asked.
 */
final class PersistedReport {
  private static final Logger LOG = LoggerFactory.getLogger(PersistedReport.class);

  private PersistedReport() {}

  /** What the report is built from: the cached states of the pass and what the driver knows of them. */
  record Pass(PassResult passStates, KeySummary summary, ReportPlan plan, GroupingSets groupings,
      List<StructField> keyFields, LossState overall, Verdicts verdicts, List<Object> cached) {
    Dataset<Row> states() {
      return passStates.dataset();
    }
  }

  /**
   * A built report: its rows, how many, the rows to print, the finest keys, and the rows themselves when
   * they are on the driver (else null).
   */
  record Built(Dataset<Row> report, long reportRows, List<Row> preview, long keys, List<Row> local) {}

  /** Runs the pass of {@code run}, persists its states and builds the report from them. */
  static JobReport compute(ReportRun run, long t0) {
    SparkSession spark = run.spark;
    ReportPlan plan = run.plan;
    CiSpec ci = run.spec.ci();
    Verdicts verdicts = run.verdicts;

    // Persisted as Spark's internal rows (PassResult): a Dataset cache took a job of its own to build, and
    // an RDD of Row objects costs more for many keys, as Spark estimates their size by walking them.
    PassResult passStates = PassResult.persist(spark, run.pass.aggregate(run.input, run.engine));
    Dataset<Row> states = passStates.dataset();
    List<Object> cached = new ArrayList<>(); // RDDs and Datasets, unpersisted with the states
    cached.add(passStates);
    try {
      LossSet set = plan.set();
      // the pass, and one merge; with --ci (or states kept at hand), a small pass's state rows all come back
      // with it (LOCAL_STATES_CONF)
      KeySummary summary = KeySummary.of(passStates, set, ci == null && !run.statesAtHand ? KeySummary.SAMPLE
          : ReportRun.localStates(spark));
      LossState overall = summary.overall();
      long inputRows = ReportRun.inputRows(plan, overall);
      LOG.info("Aggregated {} input row(s) in {} s", inputRows, ReportRun.seconds(System.nanoTime() - t0));

      Dataset<Row> byKey = ci == null ? states : IntervalReport.overBuckets(spark, states, plan);
      new InvalidRows(spark, run.spec, plan, () -> byKey, overall, ci == null ? summary::zeroWeight
          : () -> InvalidRows.firstKey(byKey, r -> KeySummary.zeroWeight(set, StateStruct.fromRow(r.getStruct(plan.keys().size())))),
          run.quarantine).apply(run.input);

      List<StructField> keyFields = run.keyFields();
      Pass p = new Pass(passStates, summary, plan, run.groupings, keyFields, overall, verdicts, cached);
      Built b = ci != null ? IntervalReport.build(run, p) : byKey(run, p);
      StructType schema = ReportRows.schema(keyFields);
      long savedRows = Math.max(summary.keys(), 1) * plan.losses().size();
      return new JobReport(plan.keys(), b.report(), null,
          run.spec.states() == null ? null : () -> savedStates(run, states, summary, keyFields, savedRows), savedRows,
          output -> {
            List<GateOutcome> gates = b.local() != null ? verdicts.gates(b.local(), schema) : verdicts.gates(b.report());
            return new RunResult(run.runId, output, inputRows, b.reportRows(), b.preview(), schema, b.keys(), gates);
          }, () -> cached.forEach(Verdicts::unpersist), passStates::observed);
    } catch (RuntimeException e) {
      cached.forEach(Verdicts::unpersist);
      throw e;
    }
  }

  /**
   * {@code --states}: the finest key states ({@code states}: key columns, [bucket,] state), one row per
   * key and loss ({@link SavedStateTable}), {@code rows} rows in all; a local table when the run keeps them
   * at hand and the summary holds them all.
   */
  private static Dataset<Row> savedStates(ReportRun run, Dataset<Row> states, KeySummary summary,
      List<StructField> keyFields, long rows) {
    SavedStateTable table = new SavedStateTable(run.plan.set(), run.plan.keys().size(), run.bucketBy, run.runId,
        run.computedAt);
    StructType schema = SavedStateTable.schema(keyFields);
    if (run.statesAtHand && summary.all() != null) {
      List<Row> local = new ArrayList<>();
      for (Row r : summary.all()) {
        table.rowsOf(r).forEachRemaining(local::add);
      }
      return run.spark.createDataFrame(local, schema);
    }
    return states.flatMap((FlatMapFunction<Row, Row>) table::rowsOf, Encoders.row(schema))
        .coalesce(ReportRun.files(rows, run.spark.sparkContext().defaultParallelism()));
  }

  /**
   * The report without intervals: the finest keys' rows straight from the states, each coarser grouping's
   * from one merge of them, and the overall rows from the driver's overall state.
   */
  private static Built byKey(ReportRun run, Pass p) {
    SparkSession spark = run.spark;
    ReportPlan plan = p.plan();
    GroupingSets groupings = p.groupings();
    Verdicts verdicts = p.verdicts();
    LossSet set = plan.set();
    long keys = plan.keys().isEmpty() ? 0 : p.summary().keys();
    StructType schema = ReportRows.schema(p.keyFields());
    ReportRows rows = run.rows();
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
      JavaPairRDD<GroupingSetMerge.Group, LossState> merged = GroupingSetMerge.merge(p.states().javaRDD(), plan.keys().size(), g, set)
          .persist(StorageLevel.MEMORY_AND_DISK());
      p.cached().add(merged);
      reportRows += merged.count() * outputs; // one job per coarser grouping, whose result the write reuses
      String name = g.name();
      JavaRDD<Row> groupRows = merged.flatMap(t -> rows.rows(t._1().keys().toArray(), name, t._2()).iterator());
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
      report = report.coalesce(ReportRun.files(reportRows, spark.sparkContext().defaultParallelism()));
    }
    report = verdicts.cached(report, p.cached());
    List<Row> preview = verdicts.preview(report, ReportRun.preview(plan.keys().size(),
        groupings.hasOverall() ? overallRows : List.of(), groupings.hasFinest() ? p.summary().sample() : List.of(),
        coarserSample, rows));
    return new Built(report, reportRows, preview, keys, null);
  }
}
