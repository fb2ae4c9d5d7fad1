package org.sparklossreport.engine;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The rows' jackknife buckets as one more grouping key of the single pass: {@code column} holds
 * {@code pmod(xxhash64(hashColumns…), buckets)} (Spark's XXH64, seed 42). The {@code columnar} engine
 * computes it from the column batches; the others get it as a column ({@link #addTo}).
 *
 * @param column the key column of the bucket, the last key of the pass
 * @param hashColumns the columns hashed, in order
 * @param buckets B
 */
public record Bucketing(String column, List<String> hashColumns, int buckets) implements Serializable {
  public Bucketing {
    hashColumns = List.copyOf(hashColumns);
  }

  /** The bucket as a Spark column. */
  public Column expression() {
    Column[] c = hashColumns.stream().map(n -> functions.col(ColumnTypes.quote(n))).toArray(Column[]::new);
    return functions.pmod(functions.xxhash64(c), functions.lit((long) buckets)).cast("int");
  }

  /** {@code input} with the bucket column. */
  public Dataset<Row> addTo(Dataset<Row> input) {
    return input.withColumn(column, expression());
  }
}
