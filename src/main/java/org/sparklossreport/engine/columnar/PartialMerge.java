package org.sparklossreport.engine.columnar;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.state.StateStruct;
import org.sparklossreport.engine.SessionSettings;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The merge of the columnar pass's partial states (a few per key: one per partition that holds the key)
 * into one state per key. Spark's exchange partitions them by the key columns and its sort orders each
 * partition by them (both spill to disk when memory runs short), so a key's partial states arrive one
 * after another; they merge in Java with the losses' own merge functions (counters added, Neumaier pairs
 * and moments blocks as {@code Accumulator.merge}), as the public aggregators merge.
 *
 * <p>Why not {@code groupBy(keys).agg(...)}: Spark plans a partial aggregation before the exchange, which
 * cost as much CPU as the map side's own pass although each partition already gives one state per key,
 * and it needed the Neumaier and moments merges written again as Catalyst aggregates
 * (docs/PERFORMANCE.md, "Results of 2026-12-01, third run").
 *
 * <p>The merge is planned without adaptive execution, so the Dataset stays lazy (adaptive execution runs
 * a shuffle's map stage as soon as its plan becomes an RDD) and its map stage runs in the job that
 * consumes it; the exchange has {@code spark.sql.shuffle.partitions} partitions, one without keys.
 */
final class PartialMerge {
  private PartialMerge() {}

  /** A key's state merged from its partial states, one at a time; one per task. */
  interface Merger {
    /** Merges the partial state whose columns start at {@code from} of {@code row}. */
    void add(InternalRow row, int from);

    /**
     * Writes the merged state into {@code counts} and {@code sums}, every slot, laid out as the set's
     * states; the merger starts over empty.
     */
    void take(long[] counts, double[] sums);
  }

  /** Makes a task's merger (the partial states' layout); runs in the tasks. */
  interface Layout extends java.io.Serializable {
    Merger merger();
  }

  /** A merger of partial states laid out as the set's own states (counters, then sums): {@link LossSet#merge}. */
  static Merger full(LossSet set) {
    return new Merger() {
      private final LossState state = set.zero();
      private final LossState other = set.zero();

      @Override
      public void add(InternalRow row, int from) {
        long[] c = other.getCounts();
        double[] s = other.getSums();
        for (int i = 0; i < c.length; i++) {
          c[i] = row.getLong(from + i);
        }
        for (int i = 0; i < s.length; i++) {
          s[i] = row.getDouble(from + c.length + i);
        }
        set.merge(state, other);
      }

      @Override
      public void take(long[] counts, double[] sums) {
        System.arraycopy(state.getCounts(), 0, counts, 0, counts.length);
        System.arraycopy(state.getSums(), 0, sums, 0, sums.length);
        java.util.Arrays.fill(state.getCounts(), 0);
        java.util.Arrays.fill(state.getSums(), 0);
      }
    };
  }

  /**
   * One state per key (the key columns of {@code partial}, then {@code state}) from {@code partial}: the
   * first {@code keys.size()} columns are the keys, then a partial state in {@code layout}. Without keys,
   * one row, also when there is no partial state.
   */
  static Dataset<Row> merge(Dataset<Row> partial, List<String> keys, LossSet set, Layout layout) {
    SparkSession spark = partial.sparkSession();
    int keyCount = keys.size();
    Column[] by = keys.stream().map(k -> partial.col(ColumnTypes.quote(k))).toArray(Column[]::new);
    Dataset<Row> ordered = keyCount == 0 ? partial.repartition(1)
        : partial.repartition(Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions")), by)
            .sortWithinPartitions(by);
    RDD<InternalRow> rows = SessionSettings.during(spark, java.util.Map.of(ADAPTIVE, "false"),
        () -> ((org.apache.spark.sql.classic.Dataset<Row>) ordered).queryExecution().toRdd());
    StructType schema = partial.schema();
    DataType[] keyTypes = new DataType[keyCount];
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      keyTypes[i] = schema.apply(i).dataType();
      fields.add(schema.apply(i));
    }
    fields.add(DataTypes.createStructField("state", StateStruct.SCHEMA, false));
    JavaRDD<InternalRow> merged = rows.toJavaRDD().mapPartitions(it -> new Runs(it, keyTypes, set.zero(), layout.merger()));
    return ((org.apache.spark.sql.classic.SparkSession) spark)
        .internalCreateDataFrame(merged.rdd(), DataTypes.createStructType(fields), false);
  }


  private static final String ADAPTIVE = "spark.sql.adaptive.enabled";

  /** The merge of a partition's rows, sorted by key: one row per run of equal keys (one row without keys). */
  private static final class Runs implements Iterator<InternalRow> {
    private final Iterator<InternalRow> rows;
    private final DataType[] keyTypes;
    private final Merger merger;
    private final UnsafeProjection keyOf;
    private final long[] counts; // the merged state, reused from key to key
    private final double[] sums;
    private final StateStruct.Writer state; // the state struct, written straight from them
    private UnsafeRow key; // the current run's key (a copy), null before the first row
    private boolean done;

    Runs(Iterator<InternalRow> rows, DataType[] keyTypes, LossState zero, Merger merger) {
      this.rows = rows;
      this.keyTypes = keyTypes;
      this.merger = merger;
      this.counts = zero.getCounts();
      this.sums = zero.getSums();
      this.state = new StateStruct.Writer(counts.length, sums.length);
      List<Expression> refs = new ArrayList<>();
      for (int i = 0; i < keyTypes.length; i++) {
        refs.add(new BoundReference(i, keyTypes[i], true));
      }
      this.keyOf = UnsafeProjection.create(CollectionConverters.asScala(refs).toSeq());
    }

    @Override
    public boolean hasNext() {
      return !done && (rows.hasNext() || key != null || keyTypes.length == 0);
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      UnsafeRow runKey = key;
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        if (keyTypes.length > 0) {
          UnsafeRow k = keyOf.apply(row); // byte equality: the pass normalized float keys (-0.0, NaN)
          if (runKey == null) {
            runKey = k.copy();
          } else if (!runKey.equals(k)) {
            InternalRow out = output(runKey);
            key = k.copy();
            merger.add(row, keyTypes.length);
            return out;
          }
        }
        merger.add(row, keyTypes.length);
      }
      key = null;
      done = true;
      return output(runKey);
    }

    /**
     * The run's key and merged state. The state struct is one reused binary row, which the consumer
     * copies before it asks for the next row (as Spark's own operators reuse theirs).
     */
    private InternalRow output(UnsafeRow runKey) {
      merger.take(counts, sums);
      Object[] v = new Object[keyTypes.length + 1];
      for (int i = 0; i < keyTypes.length; i++) {
        v[i] = runKey.get(i, keyTypes[i]); // runKey is a copy of its own: its strings stay valid
      }
      v[keyTypes.length] = state.write(counts, sums);
      return new GenericInternalRow(v);
    }
  }
}
