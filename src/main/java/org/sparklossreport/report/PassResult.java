package org.sparklossreport.report;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklossreport.engine.SessionSettings;
import org.sparklossreport.state.StateStruct;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The states of the job's pass (the key columns, the bucket with {@code --ci}, then the state struct),
 * kept for every step after the pass: Spark's internal rows of the engine's result, copied once and
 * persisted as an RDD, and the same rows as a DataFrame for the steps that work on {@link Row}s.
 *
 * <p>Why internal rows: at hundreds of thousands of keys, decoding each state into a {@code Row} boxed
 * every element of its arrays (most of the cost of the summary job and a fifth of the write); and
 * persisting the RDD lets the first job over it ({@link KeySummary}) both materialize it and summarize
 * it, where Spark's Dataset cache took a job of its own to build its column batches first.
 *
 * @param rows the persisted state rows (copies: Spark reuses the row objects it produces)
 * @param dataset {@code rows} as a DataFrame of {@code schema}
 * @param schema the key columns, then {@code state}
 * @param stateAt the position of {@code state}
 * @param reader reads the state at {@code stateAt}
 * @param execution the pass's query, for the metrics its input observed ({@link #observed})
 */
public record PassResult(JavaRDD<InternalRow> rows, Dataset<Row> dataset, StructType schema, int stateAt,
    StateStruct.Reader reader, QueryExecution execution) {

  /** Persists the rows of {@code states} (the engine's result; its last column is the state). */
  public static PassResult persist(SparkSession spark, Dataset<Row> states) {
    StructType schema = states.schema();
    int stateAt = schema.size() - 1;
    QueryExecution execution = ((org.apache.spark.sql.classic.Dataset<Row>) states).queryExecution();
    JavaRDD<InternalRow> rows = withoutCoalescing(spark, execution::toRdd).toJavaRDD().map(InternalRow::copy)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> dataset = ((org.apache.spark.sql.classic.SparkSession) spark)
        .internalCreateDataFrame(rows.rdd(), schema, false);
    return new PassResult(rows, dataset, schema, stateAt, StateStruct.reader((StructType) schema.apply(stateAt).dataType()),
        execution);
  }

  /**
   * The metrics the pass's input observed ({@code Dataset.observe}) by name, once a job over {@link #rows}
   * has run: computed by the pass's own scan, not by a job of their own.
   */
  public Map<String, Row> observed() {
    return CollectionConverters.asJava(execution.observedMetrics());
  }

  private static final String COALESCE = "spark.sql.adaptive.coalescePartitions.enabled";

  /**
   * Plans the pass with all {@code spark.sql.shuffle.partitions} partitions after its shuffle, as Spark's
   * Dataset cache plans a cached query. Adaptive execution would coalesce them into a count that fits the
   * bytes shuffled, not the cores: 3 partitions on 2 cores (seen with 200,000 keys) leave a core idle for
   * a third of the merge and make the write's tasks uneven.
   */
  static <T> T withoutCoalescing(SparkSession spark, java.util.function.Supplier<T> plan) {
    return SessionSettings.during(spark, java.util.Map.of(COALESCE, "false"), plan);
  }

  /** The key columns' types (every column before the state). */
  public DataType[] keyTypes() {
    return keyTypes(schema);
  }

  /** The types of the key columns of {@code states} (key columns, then the state last). */
  public static DataType[] keyTypes(StructType states) {
    DataType[] types = new DataType[states.size() - 1];
    for (int i = 0; i < types.length; i++) {
      types[i] = states.apply(i).dataType();
    }
    return types;
  }

  /** Releases the persisted rows. */
  void unpersist() {
    rows.unpersist(false);
  }
}
