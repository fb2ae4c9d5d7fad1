package org.sparklossreport.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.state.SavedState;
import org.sparklossreport.state.SavedStateTable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The windows' states, in the batch job's {@code --states} format ({@link SavedStateTable}, the window
 * columns first among the keys): a micro-batch's states merged into those saved for the same window, key,
 * bucket and loss. Merging is the states' own ({@link LossSet#merge}), so a window's state is the state of
 * all its rows however they were split into micro-batches.
 */
final class WindowStates {
  private WindowStates() {}

  /**
   * {@code saved} and {@code batch} merged: one row per identity (key values, bucket, loss),
   * with the run id and time of the batch's row where it has one, in {@code batch}'s columns. Each side
   * holds one row per identity, so the merge is a full outer join on the identity (null-safe: a key or the
   * bucket may be null), in Spark's own row format and shuffle, then the states' merge of each pair.
   */
  static JavaRDD<Row> merge(Dataset<Row> saved, Dataset<Row> batch, int keyCount) {
    int n = batch.columns().length;
    Dataset<Row> a = saved.select(columns(batch)).toDF(names("a", n));
    Dataset<Row> b = batch.toDF(names("b", n));
    Column on = null;
    for (int i = 0; i < keyCount + 2; i++) { // the keys, the bucket and the loss
      Column same = a.col("a" + i).eqNullSafe(b.col("b" + i));
      on = on == null ? same : on.and(same);
    }
    int lossAt = keyCount + 1;
    return a.join(b, on, "full_outer").javaRDD().mapPartitions(pairs -> {
      Map<String, LossSet> sets = new HashMap<>(); // the loss specs parsed once per partition
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return pairs.hasNext();
        }

        @Override
        public Row next() {
          Row pair = pairs.next();
          if (pair.isNullAt(lossAt)) { // only in the batch
            return slice(pair, n, n);
          }
          if (pair.isNullAt(n + lossAt)) { // only saved
            return slice(pair, 0, n);
          }
          return merged(sets, slice(pair, 0, n), slice(pair, n, n), keyCount);
        }
      };
    });
  }

  /**
   * {@link #merge(Dataset, Dataset, int)} of rows on the driver (few: a micro-batch's states at hand), with
   * the same merge of each pair, so either way gives the same states to the bit.
   */
  static List<Row> merge(List<Row> saved, List<Row> batch, int keyCount) {
    Map<List<Object>, Row> byIdentity = new java.util.LinkedHashMap<>();
    for (Row r : saved) {
      byIdentity.put(Arrays.asList(values(r, 0, keyCount + 2)), r);
    }
    Map<String, LossSet> sets = new HashMap<>();
    for (Row r : batch) {
      byIdentity.merge(Arrays.asList(values(r, 0, keyCount + 2)), r, (a, b) -> merged(sets, a, b, keyCount));
    }
    return new ArrayList<>(byIdentity.values());
  }

  /** The rows of {@code saved} in {@code like}'s columns when there are at most {@code limit}, else null. */
  static List<Row> few(Dataset<Row> saved, Dataset<Row> like, int limit) {
    List<Row> rows = saved.select(columns(like)).limit(limit + 1).collectAsList();
    return rows.size() <= limit ? rows : null;
  }

  /**
   * A saved and a batch row of one identity merged: the run id and time of the newer (the batch's, unless a
   * replay finds a later one saved), the states merged ({@code sets}: the loss sets parsed so far).
   */
  private static Row merged(Map<String, LossSet> sets, Row saved, Row batch, int keyCount) {
    int stateAt = keyCount + 2;
    int runAt = keyCount + 3;
    boolean batchNewer = batch.getString(runAt).compareTo(saved.getString(runAt)) >= 0;
    Object[] v = values(batchNewer ? batch : saved, 0, saved.length());
    v[stateAt] = merge(sets, saved.getString(keyCount + 1), saved.getStruct(stateAt), batch.getStruct(stateAt));
    return RowFactory.create(v);
  }

  /** Two saved states of {@code loss} merged into one saved state ({@code sets}: the loss sets parsed so far). */
  private static Row merge(Map<String, LossSet> sets, String loss, Row a, Row b) {
    SavedState x = SavedState.fromRow(a);
    SavedState y = SavedState.fromRow(b);
    if (!x.inputs().equals(y.inputs())) {
      throw new IllegalStateException("states of " + loss + " from two input forms: " + x.inputs() + ", " + y.inputs());
    }
    LossSet set = sets.computeIfAbsent(loss + "\u0000" + x.inputs(), k -> SavedState.setOf(loss, x.inputs()));
    return SavedState.of(set, 0, set.merge(x.toState(set), y.toState(set))).toRow();
  }

  private static Object[] values(Row r, int from, int n) {
    Object[] v = new Object[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.get(from + i);
    }
    return v;
  }

  private static Row slice(Row r, int from, int n) {
    return RowFactory.create(values(r, from, n));
  }

  private static String[] names(String prefix, int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = prefix + i;
    }
    return names;
  }

  private static org.apache.spark.sql.Column[] columns(Dataset<Row> like) {
    List<org.apache.spark.sql.Column> cs = new ArrayList<>();
    for (String c : like.columns()) {
      cs.add(org.apache.spark.sql.functions.col(org.sparklossreport.engine.ColumnTypes.quote(c)));
    }
    return cs.toArray(org.apache.spark.sql.Column[]::new);
  }
}
