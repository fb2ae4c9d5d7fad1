package org.sparklossreport.history;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The report columns a history adds after the report's own, in this order: {@code expected},
 * {@code band_low}, {@code band_high} (null with fewer than {@code --history-min} earlier values),
 * {@code band_method} ({@code seasonal} falls back to {@code normal} with fewer than two seasons),
 * {@code history_n} (earlier values used), {@code z} = (value − expected) / sqrt(sd² + std_error²) and
 * {@code anomaly}. All null on rows whose grouping lacks the history column (the overall rows).
 */
public final class HistoryColumns {
  private HistoryColumns() {}

  public static final String EXPECTED = "expected";
  public static final String BAND_LOW = "band_low";
  public static final String BAND_HIGH = "band_high";
  public static final String BAND_METHOD = "band_method";
  public static final String HISTORY_N = "history_n";
  public static final String Z = "z";
  public static final String ANOMALY = "anomaly";

  /** The columns, in the report's order. */
  public static final List<String> NAMES = List.of(EXPECTED, BAND_LOW, BAND_HIGH, BAND_METHOD, HISTORY_N, Z, ANOMALY);

  /** The gate fields a history fills ({@code --fail-if "z(mse) > 4"}, {@code "anomaly(mse) > 0"}). */
  public static final List<String> GATE_FIELDS = List.of(Z, ANOMALY);

  /** The columns' schema. */
  public static final StructType SCHEMA = DataTypes.createStructType(List.of(
      field(EXPECTED, DataTypes.DoubleType), field(BAND_LOW, DataTypes.DoubleType),
      field(BAND_HIGH, DataTypes.DoubleType), field(BAND_METHOD, DataTypes.StringType),
      field(HISTORY_N, DataTypes.IntegerType), field(Z, DataTypes.DoubleType), field(ANOMALY, DataTypes.BooleanType)));

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
