package org.sparklossreport.report;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.StateStruct;
import scala.Tuple2;

/**
 * A coarser grouping's states from the finest key states (SQL's {@code GROUPING SETS}, without a second
 * scan): each finest state goes to the key of the grouping (its key values, null at the keys the grouping
 * leaves out) and the states of one such key are merged. Merging is exact up to compensated rounding, so
 * a coarser row equals what a run grouped by those keys alone would report.
 */
public final class GroupingSetMerge {
  private GroupingSetMerge() {}

  /**
   * The states of {@code grouping} from {@code finest} (rows of {@code keyCount} key columns, then the
   * state of {@code set}), keyed by all key columns (null outside the grouping).
   */
  public static JavaPairRDD<List<Object>, LossState> merge(JavaRDD<Row> finest, int keyCount, GroupingSets.Grouping grouping,
      LossSet set) {
    return finest.mapToPair(r -> {
      Object[] keys = new Object[keyCount];
      for (int i = 0; i < keyCount; i++) {
        keys[i] = r.get(i);
      }
      return new Tuple2<>(Arrays.asList(grouping.project(keys)), StateStruct.fromRow(r.getStruct(keyCount)));
    }).reduceByKey(set::merge);
  }
}
