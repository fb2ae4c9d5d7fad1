package org.sparklossreport.report;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.StateStruct;
import scala.Tuple2;

/**
 * The one rule of SQL's {@code GROUPING SETS} over finest key states, without a second scan: each finest
 * state goes to the group of each grouping (its key values, null at the keys the grouping leaves out) and
 * the states of one group are merged. The job's coarser groupings ({@link #merge}), its intervals and a
 * rollup of saved states ({@link #byBucket}) all merge this way. Merging is exact up to compensated
 * rounding, so a coarser row equals what a run grouped by those keys alone would report.
 */
public final class GroupingSetMerge {
  private GroupingSetMerge() {}

  /**
   * A group of one grouping: the grouping's key values of a finest key (null at the keys it leaves out),
   * then, when several groupings or losses are merged in one shuffle, the grouping's index and the loss
   * (null: not part of the group). Equal, and hashed (so partitioned), as the list of those parts.
   */
  public record Group(List<Object> keys, Integer grouping, String loss) implements Serializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && keys.equals(g.keys) && Objects.equals(grouping, g.grouping)
          && Objects.equals(loss, g.loss);
    }

    /** That of the list of the key values, then the index and the loss when parts of the group. */
    @Override
    public int hashCode() {
      int h = keys.hashCode();
      h = grouping == null ? h : 31 * h + grouping.hashCode();
      return loss == null ? h : 31 * h + loss.hashCode();
    }
  }

  /**
   * One finest state on its way to its groups: the loss set it is of (its key in the map of sets, as in
   * {@link JackknifeBuckets#add}), its jackknife bucket (0 without intervals) and the state.
   */
  public record Part(String loss, int bucket, LossState state) implements Serializable {}

  /** The finest key values of a state row: its first {@code keyCount} columns. */
  public static Object[] finestKeys(Row r, int keyCount) {
    Object[] keys = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = r.get(i);
    }
    return keys;
  }

  /**
   * The pairs of one finest state ({@code finest} its key values): one per grouping of {@code gs}, to the
   * group of that grouping (with its index, and {@code loss} when not null), with {@code part}'s state for
   * the first grouping and a copy for every other (a merge changes the state it merges into).
   */
  public static Iterator<Tuple2<Group, Part>> pairs(Object[] finest, List<GroupingSets.Grouping> gs, String loss,
      Part part) {
    List<Tuple2<Group, Part>> out = new ArrayList<>(gs.size());
    for (int g = 0; g < gs.size(); g++) {
      Part p = g == 0 ? part : new Part(part.loss(), part.bucket(), part.state().copy());
      out.add(new Tuple2<>(new Group(Arrays.asList(gs.get(g).project(finest)), g, loss), p));
    }
    return out.iterator();
  }

  /**
   * The states of {@code grouping} from {@code finest} (rows of {@code keyCount} key columns, then the
   * state of {@code set}), by group (every key column, null outside the grouping; neither index nor loss).
   */
  public static JavaPairRDD<Group, LossState> merge(JavaRDD<Row> finest, int keyCount, GroupingSets.Grouping grouping,
      LossSet set) {
    return finest.mapToPair(r -> new Tuple2<>(new Group(Arrays.asList(grouping.project(finestKeys(r, keyCount))),
        null, null), StateStruct.fromRow(r.getStruct(keyCount)))).reduceByKey(set::merge);
  }

  /**
   * Every group's states by bucket, from the {@code pairs} of each of {@code rows} (one per grouping, as
   * {@link #pairs} gives them) in one shuffle; {@code sets} holds the loss set of every part.
   */
  public static JavaPairRDD<Group, JackknifeBuckets> byBucket(JavaRDD<Row> rows,
      PairFlatMapFunction<Row, Group, Part> pairs, int buckets, Map<String, LossSet> sets) {
    return rows.flatMapToPair(pairs).aggregateByKey(new JackknifeBuckets(buckets),
        (acc, p) -> acc.add(p.loss(), p.bucket(), p.state(), sets), (a, b) -> a.merge(b, sets));
  }

  /** {@link #byBucket} on the driver, for rows already there: the groups in the order they first appear. */
  public static Map<Group, JackknifeBuckets> byBucket(Iterable<Row> rows,
      Function<Row, Iterator<Tuple2<Group, Part>>> pairs, int buckets, Map<String, LossSet> sets) {
    Map<Group, JackknifeBuckets> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      for (Iterator<Tuple2<Group, Part>> it = pairs.apply(r); it.hasNext(); ) {
        Tuple2<Group, Part> t = it.next();
        Part p = t._2();
        groups.computeIfAbsent(t._1(), k -> new JackknifeBuckets(buckets)).add(p.loss(), p.bucket(), p.state(), sets);
      }
    }
    return groups;
  }
}
