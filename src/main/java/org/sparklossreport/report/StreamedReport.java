package org.sparklossreport.report;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.AccumulatorV2;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.StateStruct;

/**
 * The finest keys' report rows made as the pass's merge gives each key's state, for the write to consume
 * directly: the states are neither persisted nor read by a job of their own. What the driver needs of
 * them ({@link KeySummary}: the overall state for the overall rows and the invalid-row policy, the key
 * count, the sample) is added up per partition as the rows go by and sent back with the write's tasks.
 *
 * <p>Why: in a run as a scheduler starts it, the job over the persisted states that computed the summary
 * cost 2 to 2.5 s at 200,000 keys (docs/PERFORMANCE.md, "Cold runs"). A partition's part is kept by its
 * index, so a task that runs again, or a partition read twice (a write that merges an earlier report
 * reads the new rows' identities as well as the rows), replaces its part instead of adding it twice.
 */
public final class StreamedReport {
  private final Dataset<Row> keyed;
  private final Parts parts;
  private final LossSet set;
  private final StructType statesSchema;

  private StreamedReport(Dataset<Row> keyed, Parts parts, LossSet set, StructType statesSchema) {
    this.keyed = keyed;
    this.parts = parts;
    this.set = set;
    this.statesSchema = statesSchema;
  }

  /**
   * The report rows of {@code states} (the engine's result: the key columns, then the state) made by
   * {@code rows}, in as many partitions as the session has cores.
   */
  public static StreamedReport of(SparkSession spark, Dataset<Row> states, LossSet set, ReportRows rows,
      StructType schema) {
    StructType statesSchema = states.schema();
    int stateAt = statesSchema.size() - 1;
    DataType[] keyTypes = PassResult.keyTypes(statesSchema);
    StateStruct.Reader reader = StateStruct.reader((StructType) statesSchema.apply(stateAt).dataType());
    Parts parts = new Parts();
    spark.sparkContext().register(parts, "lossreport key states");
    JavaRDD<InternalRow> stateRows = PassResult.withoutCoalescing(spark,
        () -> ((org.apache.spark.sql.classic.Dataset<Row>) states).queryExecution().toRdd()).toJavaRDD();
    JavaRDD<InternalRow> reportRows = stateRows.mapPartitionsWithIndex(
        (index, it) -> new KeyRows(it, index, parts, set, stateAt, keyTypes, reader, rows), true);
    Dataset<Row> keyed = ((org.apache.spark.sql.classic.SparkSession) spark)
        .internalCreateDataFrame(reportRows.rdd(), schema, false)
        .coalesce(spark.sparkContext().defaultParallelism());
    return new StreamedReport(keyed, parts, set, statesSchema);
  }

  /** The finest keys' report rows; writing them fills {@link #summary}. */
  public Dataset<Row> keyed() {
    return keyed;
  }

  /** The key states' summary, once {@link #keyed} has been written. */
  public KeySummary summary() {
    return KeySummary.of(parts.value().values(), set, statesSchema, KeySummary.SAMPLE);
  }

  /**
   * The report rows of a partition's key state rows, in turn; once they are consumed, the partition's
   * part of the summary goes back with the task.
   */
  private static final class KeyRows implements Iterator<InternalRow> {
    private final Iterator<InternalRow> states;
    private final int index;
    private final Parts parts;
    private final LossSet set;
    private final int stateAt;
    private final DataType[] keyTypes;
    private final StateStruct.Reader reader;
    private final ReportRows rows;
    private KeySummary.Partial part;
    private Iterator<InternalRow> current = java.util.Collections.emptyIterator();

    KeyRows(Iterator<InternalRow> states, int index, Parts parts, LossSet set, int stateAt, DataType[] keyTypes,
        StateStruct.Reader reader, ReportRows rows) {
      this.states = states;
      this.index = index;
      this.parts = parts;
      this.set = set;
      this.stateAt = stateAt;
      this.keyTypes = keyTypes;
      this.reader = reader;
      this.rows = rows;
      this.part = KeySummary.Partial.empty(set);
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext()) {
        if (!states.hasNext()) {
          if (part != null) {
            parts.add(new scala.Tuple2<>(index, part));
            part = null;
          }
          return false;
        }
        InternalRow key = states.next(); // reused by Spark: Partial.add and ofKeyed copy what they keep
        LossState state = reader.read(key, stateAt);
        part = part.add(set, state, key, KeySummary.SAMPLE);
        current = rows.ofKeyed(key, keyTypes, state);
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }
  }

  /** The partitions' parts, by partition index: a part sent again replaces the earlier one. */
  static final class Parts extends AccumulatorV2<scala.Tuple2<Integer, KeySummary.Partial>,
      Map<Integer, KeySummary.Partial>> {
    private static final long serialVersionUID = 1L;
    private final TreeMap<Integer, KeySummary.Partial> parts = new TreeMap<>();

    @Override
    public boolean isZero() {
      return parts.isEmpty();
    }

    @Override
    public Parts copy() {
      Parts p = new Parts();
      p.parts.putAll(parts);
      return p;
    }

    @Override
    public void reset() {
      parts.clear();
    }

    @Override
    public void add(scala.Tuple2<Integer, KeySummary.Partial> part) {
      parts.put(part._1(), part._2());
    }

    @Override
    public void merge(AccumulatorV2<scala.Tuple2<Integer, KeySummary.Partial>, Map<Integer, KeySummary.Partial>> other) {
      parts.putAll(other.value());
    }

    @Override
    public Map<Integer, KeySummary.Partial> value() {
      return parts;
    }
  }
}
