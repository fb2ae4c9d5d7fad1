package org.sparklossreport.engine.columnar;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.Bucketing;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.Engine;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.engine.compiled.CompiledEngine;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The job's columnar engine: the single pass over the column batches that Spark's Parquet and ORC
 * readers produce, without turning them into rows. Each partition fills flat arrays of states, one
 * block per key ({@link PartitionAccumulator}), a batch and a loss at a time, calling each loss's own check, term
 * and accumulator functions; the partial states (a few per key: one per partition, unless a partition
 * holds too many keys) are then merged per key after Spark's exchange and sort, which spill
 * ({@link PartialMerge}): scalar losses' shared counters and sums by {@link Packing#merger}, other
 * losses' states by {@link LossSet#merge}.
 *
 * <p>Why: in Spark's hash aggregation every slot of the aggregation buffer costs a read and a write of
 * an {@code UnsafeRow} per row, so the exact state of several losses (counters per reason, compensated
 * pairs, r2's shifted moments) costs more than the losses' arithmetic. Plain arrays cost almost
 * nothing (docs/PERFORMANCE.md has the numbers).
 *
 * <p>It applies when Spark reads the input columns as batches: a Parquet or ORC scan of numeric and
 * {@code array<double|float>} columns with nothing between it and the losses (no {@code --where}
 * filter). Otherwise {@link #source} is empty.
 */
public final class ColumnarEngine {
  private ColumnarEngine() {}

  /**
   * Keys whose states a partition holds before emitting them for the merge (a tuning setting; the
   * default, 0, holds as many as a quarter of the heap per core holds, 64 to 256 MB of state, at least
   * 65,536 and at most 2^20 keys).
   */
  public static final String MAX_KEYS_CONF = "spark.lossreport.columnar.maxKeys";

  /**
   * The columns of the keys and slots as Spark's scan reads them in batches, or empty when Spark would
   * read this input row by row (not Parquet or ORC, a filter or computed column on top, vectorized
   * reading off, or a column type the engine does not read).
   */
  public static Optional<Source> source(Dataset<Row> input, List<String> keys, List<InputSlot> slots) {
    return source(input, keys, slots, null);
  }

  /**
   * {@link #source(Dataset, List, List)} with the rows' jackknife buckets ({@code bucketing}, null for
   * none) as the last key: {@code keys} ends with the bucket's column, which {@code input} does not have;
   * the engine computes it from the batches as {@link Bucketing#expression()} would.
   */
  public static Optional<Source> source(Dataset<Row> input, List<String> keys, List<InputSlot> slots,
      Bucketing bucketing) {
    List<String> realKeys = bucketing == null ? keys : keys.subList(0, keys.size() - 1);
    List<String> names = new ArrayList<>(new LinkedHashSet<>(realKeys));
    slots.forEach(s -> {
      if (!names.contains(s.column())) {
        names.add(s.column());
      }
    });
    if (bucketing != null) {
      bucketing.hashColumns().forEach(c -> {
        if (!names.contains(c)) {
          names.add(c);
        }
      });
    }
    Dataset<Row> projected = input.select(names.stream().map(n -> input.col(ColumnTypes.quote(n)))
        .toArray(Column[]::new));
    SparkPlan plan = ((org.apache.spark.sql.classic.Dataset<Row>) projected).queryExecution().executedPlan();
    List<Attribute> wanted = CollectionConverters.asJava(plan.output());
    SparkPlan p = plan instanceof WholeStageCodegenExec w ? w.child() : plan;
    if (p instanceof ProjectExec project) { // reordering only: every projected column a plain attribute
      for (NamedExpression e : CollectionConverters.asJava(project.projectList())) {
        if (!(e instanceof AttributeReference)) {
          return Optional.empty();
        }
      }
      p = project.child();
    }
    if (p instanceof InputAdapter adapter) {
      p = adapter.child();
    }
    if (!(p instanceof ColumnarToRowExec toRows) || !toRows.child().supportsColumnar()) {
      return Optional.empty();
    }
    SparkPlan scan = toRows.child();
    List<Attribute> scanned = CollectionConverters.asJava(scan.output());
    int[] ordinal = new int[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      ExprId id = wanted.get(i).exprId(); // a plain projected attribute keeps its id
      ordinal[i] = -1;
      for (int j = 0; j < scanned.size(); j++) {
        if (scanned.get(j).exprId().equals(id)) {
          ordinal[i] = j;
        }
      }
      if (ordinal[i] < 0) {
        return Optional.empty();
      }
    }
    List<StructField> keyFields = new ArrayList<>();
    int[] keyOrdinals = new int[keys.size()];
    for (int i = 0; i < realKeys.size(); i++) {
      int at = names.indexOf(realKeys.get(i));
      keyOrdinals[i] = ordinal[at];
      keyFields.add(projected.schema().fields()[at]);
    }
    BucketHash bucket = null;
    if (bucketing != null) {
      int[] hashOrdinals = new int[bucketing.hashColumns().size()];
      DataType[] hashTypes = new DataType[hashOrdinals.length];
      for (int i = 0; i < hashOrdinals.length; i++) {
        int at = names.indexOf(bucketing.hashColumns().get(i));
        hashOrdinals[i] = ordinal[at];
        hashTypes[i] = projected.schema().fields()[at].dataType();
        if (!BucketHash.hashes(hashTypes[i])) {
          return Optional.empty();
        }
      }
      bucket = new BucketHash(hashOrdinals, hashTypes, bucketing.buckets());
      keyOrdinals[realKeys.size()] = scanned.size(); // the column PartitionAccumulator appends to each batch
      keyFields.add(DataTypes.createStructField(bucketing.column(), DataTypes.IntegerType, false));
    }
    int[] slotOrdinals = new int[slots.size()];
    DataType[] slotTypes = new DataType[slots.size()];
    for (int i = 0; i < slots.size(); i++) {
      int at = names.indexOf(slots.get(i).column());
      slotOrdinals[i] = ordinal[at];
      slotTypes[i] = projected.schema().fields()[at].dataType();
      if (!readable(slotTypes[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(new Source(scan.executeColumnar(), new Layout(keyOrdinals,
        keyFields.stream().map(StructField::dataType).toArray(DataType[]::new), slotOrdinals, slotTypes, bucket),
        keyFields, input.sparkSession()));
  }

  /**
   * Input column types the engine reads: numbers as doubles, as a cast to double would, and arrays of
   * doubles or floats as vectors.
   */
  static boolean readable(DataType t) {
    if (t instanceof ArrayType a) {
      return a.elementType() instanceof DoubleType || a.elementType() instanceof FloatType;
    }
    return t instanceof DoubleType || t instanceof FloatType || t instanceof LongType || t instanceof IntegerType
        || t instanceof ShortType || t instanceof ByteType || t instanceof DecimalType || t instanceof BooleanType;
  }

  /**
   * One state per key (columns: the keys, then {@code state}), as the other engines give it; one row
   * without keys.
   */
  public static Dataset<Row> aggregate(Source source, List<String> keys, LossSet set) {
    Layout layout = source.layout();
    int maxKeys = Integer.parseInt(source.spark().conf().get(MAX_KEYS_CONF, "0"));
    JavaRDD<InternalRow> partial = source.batches().toJavaRDD()
        .mapPartitions(batches -> new PartitionAccumulator(set, layout, maxKeys).statesOf(batches));
    List<StructField> fields = new ArrayList<>(source.keyFields());
    Packing packing = PartitionAccumulator.scalar(set, layout) ? new Packing(set) : null;
    if (packing != null) {
      fields.addAll(packing.fields());
    } else {
      LossState zero = set.zero();
      for (int i = 0; i < zero.getCounts().length; i++) {
        fields.add(DataTypes.createStructField(CompiledEngine.countColumn(i), DataTypes.LongType, false));
      }
      for (int i = 0; i < zero.getSums().length; i++) {
        fields.add(DataTypes.createStructField(CompiledEngine.sumColumn(i), DataTypes.DoubleType, false));
      }
    }
    Dataset<Row> partialStates = ((org.apache.spark.sql.classic.SparkSession) source.spark())
        .internalCreateDataFrame(partial.rdd(), DataTypes.createStructType(fields), false);
    boolean packed = packing != null;
    return PartialMerge.merge(partialStates, keys, set, packed ? () -> new Packing(set).merger(set) : () -> PartialMerge.full(set));
  }

  /** The columnar engine over {@code source} (found by {@link #source} for the input it runs on). */
  public static Engine engine(Source source) {
    return new Bound(source);
  }

  /** The engine bound to the batches of one input. */
  private record Bound(Source source) implements Engine {
    @Override
    public String name() {
      return "columnar";
    }

    @Override
    public Dataset<Row> states(Dataset<Row> input, List<String> keys, List<InputSlot> slots, LossSet set) {
      return aggregate(source, keys, set);
    }
  }

  /** Where a partition's batches hold the keys and the input slots, and their types. */
  record Layout(int[] keyOrdinals, DataType[] keyTypes, int[] slotOrdinals, DataType[] slotTypes,
      BucketHash bucket) implements Serializable {}

  /** The input's scan as column batches, and where the keys and slots are in them. */
  public record Source(RDD<ColumnarBatch> batches, Layout layout, List<StructField> keyFields,
      org.apache.spark.sql.SparkSession spark) {}
}
