package org.sparklossreport.stream;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.state.SavedState;
import org.sparklossreport.state.SavedStateTable;
import scala.Tuple2;

/**
 * The windows' states, in the batch job's {@code --states} format ({@link SavedStateTable}, the window
 * columns first among the keys): a micro-batch's states merged into those saved for the same window, key,
 * bucket and loss. Merging is the states' own ({@link LossSet#merge}), so a window's state is the state of
 * all its rows however they were split into micro-batches.
 */
final class WindowStates {
  private WindowStates() {}

  /**
   * {@code saved} (null: none) and {@code batch} merged: one row per identity (key values, bucket, loss),
   * with the run id and time of the batch's row where it has one, in {@code batch}'s columns.
   */
  static JavaRDD<Row> merge(Dataset<Row> saved, Dataset<Row> batch, int keyCount) {
    if (saved == null) { // the batch engine gives one row per identity: nothing to merge
      return batch.javaRDD();
    }
    Dataset<Row> all = saved.select(columns(batch)).union(batch);
    int lossAt = keyCount + 1;
    int stateAt = keyCount + 2;
    int runAt = keyCount + 3;
    return all.javaRDD()
        .mapToPair(r -> new Tuple2<>(identity(r, keyCount), r))
        .reduceByKey((a, b) -> {
          boolean bNewer = b.getString(runAt).compareTo(a.getString(runAt)) >= 0;
          Row newer = bNewer ? b : a;
          Object[] v = new Object[newer.size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = newer.get(i);
          }
          v[stateAt] = merge(a.getString(lossAt), a.getStruct(stateAt), b.getStruct(stateAt));
          return RowFactory.create(v);
        })
        .values();
  }

  /** Two saved states of {@code loss} merged into one saved state. */
  static Row merge(String loss, Row a, Row b) {
    SavedState x = SavedState.fromRow(a);
    SavedState y = SavedState.fromRow(b);
    if (!x.inputs().equals(y.inputs())) {
      throw new IllegalStateException("states of " + loss + " from two input forms: " + x.inputs() + ", " + y.inputs());
    }
    LossSet set = SavedState.setOf(loss, x.inputs());
    return SavedState.of(set, 0, set.merge(x.toState(set), y.toState(set))).toRow();
  }

  private static Row identity(Row r, int keyCount) {
    Object[] v = new Object[keyCount + 2];
    for (int i = 0; i < keyCount + 2; i++) { // the keys, the bucket and the loss
      v[i] = r.get(i);
    }
    return RowFactory.create(v);
  }

  private static org.apache.spark.sql.Column[] columns(Dataset<Row> like) {
    List<org.apache.spark.sql.Column> cs = new ArrayList<>();
    for (String c : like.columns()) {
      cs.add(org.apache.spark.sql.functions.col(org.sparklossreport.engine.ColumnTypes.quote(c)));
    }
    return cs.toArray(org.apache.spark.sql.Column[]::new);
  }
}
