package org.sparklossreport.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import scala.Function1;

/**
 * The job's engine for the single pass when a loss takes vectors (scalar losses run on
 * {@code columnar.ColumnarStates} or {@code compiled.CompiledStates}): the same loss kernels and states as the {@link StateAggregator}, fed
 * straight from Spark's internal rows instead of through an encoder.
 *
 * <p>Each input partition is read once: its rows (keys, then the input columns cast to double or
 * array&lt;double&gt; by Spark's own code-generated projection) update one {@link LossState} per key in a
 * hash map keyed by the binary form of the key columns, with the previous row's key checked first
 * (prediction tables are often clustered by key).
 * The map holds at most {@link #MAX_KEYS_IN_MEMORY} keys; past that its states are handed on (the
 * partition's output is an iterator that yields them before the next row is read) and it starts afresh,
 * which is correct because states merge: memory is bounded by the keys held, not by the rows. The
 * partial states are then merged per key by a small aggregation ({@link MergeAggregator}) over at most partitions × keys rows.
 *
 * <p>Why: decoding every row into an object for a typed Aggregator costs more than the arithmetic of
 * several losses (docs/PERFORMANCE.md gives the numbers); reading doubles from the internal row costs
 * almost nothing. The result is the same states, so everything downstream is shared.
 */
public final class PartitionStates {
  private PartitionStates() {}

  /** Keys held per partition before partial states are emitted (bounds memory with millions of keys). */
  public static final int MAX_KEYS_IN_MEMORY = 1 << 16;

  /** One state per key: the key columns, then {@code state}; one row without keys. */
  public static Dataset<Row> aggregate(Dataset<Row> input, List<String> keys, List<InputSlot> slots,
      LossSet set) {
    List<Column> cols = new ArrayList<>();
    for (String k : keys) {
      cols.add(input.col(LossFunctions.quote(k)));
    }
    for (InputSlot s : slots) {
      cols.add(normalized(input, s));
    }
    Dataset<Row> projected = input.select(cols.toArray(new Column[0]));
    StructType schema = projected.schema();
    DataType[] keyTypes = new DataType[keys.size()];
    List<StructField> keyFields = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      keyTypes[i] = schema.fields()[i].dataType();
      keyFields.add(schema.fields()[i]);
    }
    Shape[] shapes = slots.stream().map(InputSlot::shape).toArray(Shape[]::new);
    Reader reader = new Reader(set, keyTypes, shapes);
    JavaRDD<InternalRow> rows = ((org.apache.spark.sql.classic.Dataset<Row>) projected)
        .queryExecution().toRdd().toJavaRDD();
    return mergePartials(input.sparkSession(), rows.mapPartitions(reader::states), keyFields, keys, set);
  }

  /**
   * Merges partial states per key: {@code partial} holds rows of the key columns ({@code keyFields},
   * external values) then a {@link LossState}; any number of rows per key, from any partitions. The
   * result has the layout of {@link #aggregate}. Shared by the engines that fill states per partition.
   */
  public static Dataset<Row> mergePartials(org.apache.spark.sql.SparkSession spark, JavaRDD<Row> partial,
      List<StructField> keyFields, List<String> keys, LossSet set) {
    List<StructField> outFields = new ArrayList<>(keyFields);
    outFields.add(DataTypes.createStructField("state", States.SCHEMA, false));
    Dataset<Row> partialStates = spark.createDataFrame(partial, DataTypes.createStructType(outFields));
    Column merged = org.apache.spark.sql.functions.udaf(MergeAggregator.internal(set),
        Encoders.bean(LossState.class)).apply(States.FIELDS.stream()
            .map(f -> partialStates.col("state." + f)).toArray(Column[]::new)).as("state");
    if (keys.isEmpty()) {
      return partialStates.agg(merged);
    }
    Column[] keyCols = keys.stream().map(k -> partialStates.col(LossFunctions.quote(k))).toArray(Column[]::new);
    return partialStates.groupBy(keyCols).agg(merged);
  }

  /** A key value as Spark gives it to users (String, java.sql.Date, ...) from its internal form. */
  private static Object external(Object catalyst, DataType t) {
    Function1<Object, Object> f = CatalystTypeConverters.createToScalaConverter(t);
    return f.apply(catalyst);
  }

  /** The slot as double, or array&lt;double&gt; (from float arrays and ML vectors too). */
  private static Column normalized(Dataset<Row> input, InputSlot s) {
    Column c = input.col(LossFunctions.quote(s.column()));
    DataType t = input.schema().apply(input.schema().fieldIndex(s.column())).dataType();
    if (s.shape() == Shape.SCALAR) {
      return c.cast(DataTypes.DoubleType).as(s.column());
    }
    if (t instanceof ArrayType) {
      return c.cast(DataTypes.createArrayType(DataTypes.DoubleType, true)).as(s.column());
    }
    return functions.vector_to_array(c, "float64").as(s.column());
  }

  /** Reads one partition into per-key states; serializable closure state only. */
  static final class Reader implements Serializable {
    private static final long serialVersionUID = 1L;
    private final LossSet set;
    private final DataType[] keyTypes;
    private final Shape[] shapes;
    private final int maxKeys;

    Reader(LossSet set, DataType[] keyTypes, Shape[] shapes) {
      this(set, keyTypes, shapes, MAX_KEYS_IN_MEMORY);
    }

    /** @param maxKeys the key states held before they are handed on (tests set a small one) */
    Reader(LossSet set, DataType[] keyTypes, Shape[] shapes, int maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("maxKeys must be ≥ 1, got " + maxKeys);
      }
      this.set = set;
      this.keyTypes = keyTypes;
      this.shapes = shapes;
      this.maxKeys = maxKeys;
    }

    /**
     * The partial states of a partition, lazily: rows are read only as states are asked for; when the
     * map is full its states are handed on (and let go one by one) before the next row is read, and the
     * rest follow at the end. At most {@code maxKeys} states are held, plus the one of the row that
     * filled the map while the full map is handed on.
     */
    Iterator<Row> states(Iterator<InternalRow> it) {
      Partition p = new Partition(this);
      return new Iterator<>() {
        private Iterator<Map.Entry<UnsafeRow, LossState>> out; // states being handed on
        private boolean done;

        @Override
        public boolean hasNext() {
          while (out == null || !out.hasNext()) {
            out = null;
            if (done) {
              return false;
            }
            if (it.hasNext()) {
              Map<UnsafeRow, LossState> full = p.add(it.next());
              if (full != null) {
                out = full.entrySet().iterator();
              }
            } else {
              done = true;
              out = p.rest().entrySet().iterator();
            }
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          Map.Entry<UnsafeRow, LossState> e = out.next();
          out.remove(); // let the state go once handed on
          return row(e.getKey(), e.getValue());
        }
      };
    }

    /** The row of a partial state: the key columns (external values), then the state. */
    Row row(UnsafeRow key, LossState s) {
      Object[] v = new Object[keyTypes.length + 1];
      for (int i = 0; i < keyTypes.length; i++) {
        v[i] = key.isNullAt(i) ? null : external(key.get(i, keyTypes[i]), keyTypes[i]);
      }
      v[keyTypes.length] = States.toRow(s);
      return RowFactory.create(v);
    }

    static double[] toArray(ArrayData a) {
      int n = a.numElements();
      for (int j = 0; j < n; j++) {
        if (a.isNullAt(j)) {
          return null;
        }
      }
      return a.toDoubleArray();
    }
  }

  /**
   * The key states of one partition. One call per row ({@link #add}) rather than one loop over the
   * partition, so that the JIT compiles the row path as an ordinary method.
   */
  static final class Partition {
    private final Reader reader;
    private final int k;
    private final Shape[] shapes;
    private final LossRow row;
    private final UnsafeProjection keyOf; // keys as binary rows: hash and equality on bytes, any key types
    private final int maxKeys;
    private Map<UnsafeRow, LossState> states = new HashMap<>();
    private Map<UnsafeRow, LossState> full; // the states to hand on after this row, or null
    private UnsafeRow last; // a copy of the previous row's key, its buffer reused
    private LossState lastState;

    Partition(Reader reader) {
      this.reader = reader;
      this.k = reader.keyTypes.length;
      this.shapes = reader.shapes;
      this.row = new LossRow(shapes.length);
      this.keyOf = UnsafeProjection.create(reader.keyTypes);
      this.maxKeys = reader.maxKeys;
    }

    /**
     * Adds a row to its key's state; returns the states to hand on when the row's key found the map
     * full (the row's own state is already in a new map), else null.
     */
    Map<UnsafeRow, LossState> add(InternalRow r) {
      full = null;
      if (k > 0 || lastState == null) {
        locate(r);
      }
      for (int i = 0; i < shapes.length; i++) {
        int at = k + i;
        if (r.isNullAt(at)) {
          row.setNull(i);
        } else if (shapes[i] == Shape.SCALAR) {
          row.setScalar(i, r.getDouble(at));
        } else {
          double[] v = Reader.toArray(r.getArray(at));
          if (v == null) {
            row.setNull(i);
          } else {
            row.setVector(i, v);
          }
        }
      }
      reader.set.add(lastState, row);
      return full;
    }

    /** Points {@code lastState} at the state of the row's key. */
    private void locate(InternalRow r) {
      UnsafeRow key = keyOf.apply(r);
      if (last != null && last.equals(key)) {
        return;
      }
      lastState = states.get(key);
      if (lastState == null) {
        if (states.size() >= maxKeys) {
          full = states;
          states = new HashMap<>();
        }
        lastState = reader.set.zero();
        states.put(key.copy(), lastState);
      }
      if (last == null) {
        last = key.copy();
      } else {
        last.copyFrom(key);
      }
    }

    /** The states held at the end of the partition; the partition is empty afterwards. */
    Map<UnsafeRow, LossState> rest() {
      Map<UnsafeRow, LossState> rest = states;
      states = new HashMap<>();
      return rest;
    }
  }
}
