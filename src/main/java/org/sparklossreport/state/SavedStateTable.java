package org.sparklossreport.state;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;

/**
 * The rows a run writes with {@code --states}: per finest key and loss, the key columns, {@code bucket}
 * (the row's jackknife bucket with {@code --ci}, else null), {@code loss} ({@link org.sparklossreport.core.Loss#savedSpec()}: every
 * parameter, defaults and column names included), {@code state} ({@link SavedState}), {@code run_id} and
 * {@code computed_at}, then {@code bucket_by} (how the buckets were hashed: {@code id:COL} from an example id,
 * {@code values:C1,C2} from the rows' input values; null without buckets), which tables written before it
 * lack. A row's identity is (key values, bucket, loss), as a report row's is (key values, grouping, loss).
 */
public final class SavedStateTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The columns after the keys, in order. */
  public static final List<String> COLUMNS = List.of("bucket", "loss", "state", "run_id", "computed_at");

  /** The column after {@link #COLUMNS} that tables written before it lack (read as null). */
  public static final String BUCKET_BY = "bucket_by";

  /** The {@link #BUCKET_BY} value of buckets hashed from example ids in {@code column}: they pair across rows. */
  public static String byId(String column) {
    return "id:" + column;
  }

  /** The {@link #BUCKET_BY} value of buckets hashed from the rows' input values in {@code columns}. */
  public static String byValues(List<String> columns) {
    return "values:" + String.join(",", columns);
  }

  private final LossSet set;
  private final int keyCount;
  private final boolean bucketed;
  private final String runId;
  private final Timestamp computedAt;
  private final String bucketBy;

  /**
   * @param keyCount the key columns of a state row of the pass
   * @param bucketBy how the pass hashed rows to buckets ({@link #byId}, {@link #byValues}); null: the pass
   *     has no buckets, else a jackknife bucket (an int) follows the keys in its state rows
   */
  public SavedStateTable(LossSet set, int keyCount, String bucketBy, String runId, Timestamp computedAt) {
    this.set = set;
    this.keyCount = keyCount;
    this.bucketed = bucketBy != null;
    this.bucketBy = bucketBy;
    this.runId = runId;
    this.computedAt = computedAt;
  }

  /** The table's schema for key fields {@code keyFields} (taken from the input). */
  public static StructType schema(List<StructField> keyFields) {
    List<StructField> fields = keyColumns(keyFields);
    fields.add(DataTypes.createStructField("bucket", DataTypes.IntegerType, true));
    fields.add(DataTypes.createStructField("loss", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("state", SavedState.SCHEMA, false));
    fields.add(DataTypes.createStructField("run_id", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("computed_at", DataTypes.TimestampType, false));
    fields.add(DataTypes.createStructField(BUCKET_BY, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  /** The key columns of a states table or report: the input's key fields, nullable (a coarser grouping's rows). */
  public static List<StructField> keyColumns(List<StructField> keyFields) {
    List<StructField> fields = new ArrayList<>();
    for (StructField k : keyFields) {
      fields.add(DataTypes.createStructField(k.name(), k.dataType(), true));
    }
    return fields;
  }

  /** The rows of one key state row of the single pass (key columns first, the bucket, then the set's state). */
  public Iterator<Row> rowsOf(Row keyState) {
    LossState state = StateStruct.fromRow(keyState.getStruct(bucketed ? keyCount + 1 : keyCount));
    Integer bucket = bucketed ? keyState.getInt(keyCount) : null;
    List<Row> out = new ArrayList<>(set.losses().size());
    for (int i = 0; i < set.losses().size(); i++) {
      Object[] v = new Object[keyCount + COLUMNS.size() + 1];
      for (int k = 0; k < keyCount; k++) {
        v[k] = keyState.get(k);
      }
      v[keyCount] = bucket;
      v[keyCount + 1] = set.losses().get(i).loss().savedSpec();
      v[keyCount + 2] = SavedState.of(set, i, state).toRow();
      v[keyCount + 3] = runId;
      v[keyCount + 4] = computedAt;
      v[keyCount + 5] = bucketBy;
      out.add(RowFactory.create(v));
    }
    return out.iterator();
  }
}
