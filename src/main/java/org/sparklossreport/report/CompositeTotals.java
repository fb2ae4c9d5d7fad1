package org.sparklossreport.report;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.LossSet;
import scala.Tuple2;

/**
 * A rollup's composite (multi-task) totals, from the heads' saved states: per group, the heads' merged
 * states (one single-loss state each, by bucket) are put side by side into one state of the composites'
 * {@link LossSet#joined joined set}, whose results end with the totals. So the total, its intervals (the
 * jackknife of the bucket-wise totals: each leave-one-out set's heads, then Σ λₜ·valueₜ) and its counts are
 * those a direct run gives, finished by the same {@link LossSet#results}.
 */
public final class CompositeTotals implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> heads;
  private final LossSet joined;
  private final ReportRows rows;
  private final int buckets;
  private final int totals;

  /**
   * @param composites the totals to report
   * @param heads the saved specs of their heads (each once), whose single-loss sets {@code held} has
   * @param buckets the jackknife buckets (1 without intervals)
   * @param level the intervals' level (null: none); {@code scored}: rows with replicates, for a comparison
   */
  public CompositeTotals(List<Composite> composites, List<String> heads, Map<String, LossSet> held, int buckets,
      List<String> keys, String where, String runId, Timestamp computedAt, Double level, boolean scored) {
    this.heads = List.copyOf(heads);
    this.joined = LossSet.joined(heads.stream().map(held::get).toList(), composites);
    this.rows = new ReportRows(joined, keys, where, runId, computedAt).with(level, scored);
    this.buckets = buckets;
    this.totals = composites.size();
  }

  /** The totals' names, as the report's {@code loss}. */
  public List<String> names() {
    return joined.composites().stream().map(Composite::name).toList();
  }

  /** The totals' rows of every keyed group of {@code merged} (a head's states by grouping, keys and loss). */
  public JavaRDD<Row> keyed(JavaPairRDD<GroupingSetMerge.Group, JackknifeBuckets> merged,
      List<GroupingSets.Grouping> gs, boolean bucketed) {
    List<String> h = heads;
    return merged.filter(t -> !gs.get(t._1().grouping()).overall() && h.contains(t._1().loss()))
        .mapToPair(t -> new Tuple2<>(new GroupingSetMerge.Group(t._1().keys(), t._1().grouping(), null),
            new Tuple2<>(h.indexOf(t._1().loss()), t._2())))
        .groupByKey()
        .flatMap(g -> {
          JackknifeBuckets[] parts = new JackknifeBuckets[h.size()];
          g._2().forEach(p -> parts[p._1()] = p._2());
          return rows(g._1().keys().toArray(), gs.get(g._1().grouping()).name(), Arrays.asList(parts), bucketed)
              .iterator();
        });
  }

  /** The totals' overall rows from the heads' overall buckets by saved spec (a head without any: empty). */
  public List<Row> overall(Map<String, JackknifeBuckets> overall, int keyCount, boolean bucketed) {
    List<JackknifeBuckets> parts = new ArrayList<>();
    heads.forEach(h -> parts.add(overall.get(h)));
    return rows(new Object[keyCount], ReportRows.OVERALL, parts, bucketed);
  }

  private List<Row> rows(Object[] keys, String grouping, List<JackknifeBuckets> parts, boolean bucketed) {
    JackknifeBuckets b = JackknifeBuckets.joined(parts, joined, buckets);
    List<Row> all = rows.rows(keys, grouping, b.total(joined), bucketed ? b.replicates(joined) : null);
    return all.subList(all.size() - totals, all.size()); // the heads' own rows come from their own sets
  }
}
