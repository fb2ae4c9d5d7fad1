package org.sparklossreport.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.state.StateStruct;
import scala.Tuple2;

/**
 * The report with jackknife intervals ({@code --ci}), from the persisted states by key and bucket of a
 * {@link PersistedReport}: every grouping's states by bucket, then per group its value (the buckets
 * merged) and the intervals of {@link JackknifeBuckets#intervals}. With few state rows (they came back with
 * the summary's job: {@link ReportRun#LOCAL_STATES_CONF}) all of it runs on the driver, without a Spark job.
 */
final class IntervalReport {
  private IntervalReport() {}

  /**
   * The report with intervals: every grouping's states by bucket, from the states by key and bucket in one
   * shuffle (each state goes to one group per grouping), or on the driver when the summary holds them all.
   */
  static PersistedReport.Built build(ReportRun run, PersistedReport.Pass p) {
    SparkSession spark = run.spark;
    Dataset<Row> states = p.states();
    KeySummary summary = p.summary();
    ReportPlan plan = p.plan();
    GroupingSets groupings = p.groupings();
    List<StructField> keyFields = p.keyFields();
    LossState overall = p.overall();
    List<Object> cached = p.cached();
    Verdicts verdicts = p.verdicts();
    CiSpec ci = run.spec.ci();
    int keyCount = plan.keys().size();
    List<GroupingSets.Grouping> gs = new ArrayList<>(groupings.sets());
    int finest = groupings.finest();
    if (finest < 0 && keyCount > 0) { // counted for the summary, not reported
      gs.add(GroupingSets.byAll(plan.keys()));
      finest = gs.size() - 1;
    }
    int reported = groupings.sets().size();
    Map<String, LossSet> sets = Map.of("", plan.set());
    int buckets = ci.buckets();
    double level = ci.level();
    LossSet set = plan.set();
    ReportRows rows = run.rows().with(level, verdicts.scored());
    Map<Integer, Long> perGrouping;
    JavaRDD<Row> reportRdd = null;
    List<Row> reportList = null;
    if (summary.all() != null) { // few states: group them on the driver, no shuffle and no counting job
      Map<GroupingSetMerge.Group, JackknifeBuckets> groups = GroupingSetMerge.byBucket(summary.all(),
          r -> pairs(r, keyCount, gs), buckets, sets);
      perGrouping = new HashMap<>();
      reportList = new ArrayList<>();
      for (Map.Entry<GroupingSetMerge.Group, JackknifeBuckets> e : groups.entrySet()) {
        int g = e.getKey().grouping();
        perGrouping.merge(g, 1L, Long::sum);
        if (g < reported) {
          reportList.addAll(rows.rows(e.getKey().keys().toArray(), gs.get(g).name(), e.getValue().total(set),
              e.getValue().replicates(set)));
        }
      }
    } else { // every grouping's bucket states in one shuffle of the states
      JavaPairRDD<GroupingSetMerge.Group, JackknifeBuckets> groups = GroupingSetMerge.byBucket(states.javaRDD(),
          r -> pairs(r, keyCount, gs), buckets, sets).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(groups);
      perGrouping = groups.map(t -> t._1().grouping()).countByValue();
      reportRdd = groups.filter(t -> t._1().grouping() < reported).flatMap(t -> rows.rows(t._1().keys().toArray(),
          gs.get(t._1().grouping()).name(), t._2().total(set), t._2().replicates(set)).iterator());
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
      report = verdicts.compared(report).coalesce(ReportRun.files(reportRows, spark.sparkContext().defaultParallelism()));
      report = verdicts.cached(report, cached);
    }
    int lossAt = keyCount + 1;
    preview.sort(java.util.Comparator.comparing((Row r) -> !r.getString(keyCount).equals(ReportRows.OVERALL))
        .thenComparing(r -> r.getString(lossAt)));
    preview = new ArrayList<>(reportList != null ? verdicts.preview(reportList, preview)
        : verdicts.preview(report, preview));
    return new PersistedReport.Built(report, reportRows,
        List.copyOf(preview.subList(0, Math.min(preview.size(), KeySummary.SAMPLE))), keys, reportList);
  }

  /** The pairs of one state row of the pass (key columns, bucket, state): one per grouping. */
  private static Iterator<Tuple2<GroupingSetMerge.Group, GroupingSetMerge.Part>> pairs(Row r, int keyCount,
      List<GroupingSets.Grouping> gs) {
    return GroupingSetMerge.pairs(GroupingSetMerge.finestKeys(r, keyCount), gs, null,
        new GroupingSetMerge.Part("", r.getInt(keyCount), StateStruct.fromRow(r.getStruct(keyCount + 1))));
  }

  /**
   * The states by key alone from the states by key and bucket (for the invalid-row checks, which look at
   * a key's total weight): computed only when a check needs a key's state.
   */
  static Dataset<Row> overBuckets(SparkSession spark, Dataset<Row> states, ReportPlan plan) {
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
        v[i] = t._1().keys().get(i);
      }
      v[keyCount] = StateStruct.toRow(t._2());
      return RowFactory.create(v);
    });
    return spark.createDataFrame(merged, new StructType(fields.toArray(StructField[]::new)));
  }
}
