package org.sparklossreport.report;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparklossreport.core.Jackknife;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.SavedStateTable;
import org.sparklossreport.state.StateStruct;

/**
 * Turns loss states into the report's long format: one row per grouping, key and loss output, with the
 * columns of {@code spec/job.md}: the key columns, {@code grouping}, {@code loss}, {@code value},
 * {@code rows}, {@code invalid_rows}, {@code invalid_reasons}, {@code weight_sum}, {@code scope} (the
 * run's {@code --where}: what input every row describes), {@code std_error}, {@code ci_low},
 * {@code ci_high} (the jackknife interval with {@code --ci}, else null), {@code baseline_value},
 * {@code delta}, {@code delta_std_error}, {@code delta_ci_low}, {@code delta_ci_high} (filled by
 * {@link Comparison} with {@code --compare-by}, else null), {@code run_id}, {@code computed_at}.
 *
 * <p>Rows that a {@link Comparison} will read also carry the jackknife replicates of their value in a last,
 * internal column ({@link #REPLICATES}), which the comparison drops.
 *
 * <p>A row's identity is its grouping, key values and loss ({@link #IDENTITY}): what {@code overwrite}
 * replaces.
 */
public final class ReportRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The {@code grouping} of the overall row. */
  public static final String OVERALL = "overall";

  private final LossSet set;
  private final int keyCount;
  private final String keyGrouping;
  private final String scope;
  private final String runId;
  private final Timestamp computedAt;
  private final Double level;
  private final boolean scored;
  private transient SpecificInternalRow[] keyedRows; // ofKeyed's rows, one per loss output, reused

  /** The columns besides the keys that identify a report row (with the key columns). */
  public static final List<String> IDENTITY = List.of("grouping", "loss");

  /** The internal column of a scored row: the value's jackknife replicates (null without intervals). */
  public static final String REPLICATES = "__lossreport_replicates";

  /** The comparison columns, after {@code ci_high}. */
  public static final List<String> DELTA_COLUMNS = List.of("baseline_value", "delta", "delta_std_error",
      "delta_ci_low", "delta_ci_high");

  /** @param scope the run's {@code --where} filter, null when none */
  public ReportRows(LossSet set, List<String> keys, String scope, String runId, Timestamp computedAt) {
    this(set, keys.size(), String.join(",", keys), scope, runId, computedAt, null, false);
  }

  private ReportRows(LossSet set, int keyCount, String keyGrouping, String scope, String runId,
      Timestamp computedAt, Double level, boolean scored) {
    this.set = set;
    this.keyCount = keyCount;
    this.keyGrouping = keyGrouping;
    this.scope = scope;
    this.runId = runId;
    this.computedAt = computedAt;
    this.level = level;
    this.scored = scored;
  }

  /**
   * These rows with intervals at {@code level} (null: none) from the replicates given to {@link #rows};
   * {@code scored}: with the {@link #REPLICATES} column, for a {@link Comparison}.
   */
  public ReportRows with(Double level, boolean scored) {
    return new ReportRows(set, keyCount, keyGrouping, scope, runId, computedAt, level, scored);
  }

  /** The schema of {@link #rows}: the report's, and with {@link #REPLICATES} last when scored. */
  public StructType schemaOf(List<StructField> keyFields) {
    StructType report = schema(keyFields);
    return scored ? report.add(REPLICATES, DataTypes.createArrayType(DataTypes.DoubleType, false), true) : report;
  }

  /** The report's schema for key fields {@code keyFields} (taken from the input). */
  public static StructType schema(List<StructField> keyFields) {
    List<StructField> fields = SavedStateTable.keyColumns(keyFields);
    fields.add(DataTypes.createStructField("grouping", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("loss", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("value", DataTypes.DoubleType, true));
    fields.add(DataTypes.createStructField("rows", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("invalid_rows", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("invalid_reasons", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("weight_sum", DataTypes.DoubleType, false));
    fields.add(DataTypes.createStructField("scope", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("std_error", DataTypes.DoubleType, true));
    fields.add(DataTypes.createStructField("ci_low", DataTypes.DoubleType, true));
    fields.add(DataTypes.createStructField("ci_high", DataTypes.DoubleType, true));
    for (String c : DELTA_COLUMNS) {
      fields.add(DataTypes.createStructField(c, DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField("run_id", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("computed_at", DataTypes.TimestampType, false));
    return DataTypes.createStructType(fields);
  }

  /** Report rows of a keyed state row: the key columns first, the state struct last. */
  public Iterator<Row> ofKeyed(Row r) {
    Object[] keys = new Object[keyCount];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = r.get(i);
    }
    return rows(keys, keyGrouping, StateStruct.fromRow(r.getStruct(keyCount))).iterator();
  }

  /**
   * Report rows of a keyed state row of the pass, as Spark's internal rows of {@link #schema} (no
   * intervals, not scored): the key values are copied as they are, so neither side is decoded into
   * {@link Row}s. The finest keys' rows of a report without intervals, hundreds of thousands of them.
   *
   * <p>The rows are reused from key to key (one per loss output, the run's constant columns set once per
   * task), as Spark's own operators reuse theirs: a caller consumes them, as Spark's scan of an RDD does
   * by copying each into a binary row, before it asks for the next key's.
   *
   * @param keyTypes the types of the row's key columns, which come first
   * @param state the row's state (read from the row)
   */
  public Iterator<InternalRow> ofKeyed(InternalRow r, DataType[] keyTypes, LossState state) {
    if (keyedRows == null) {
      keyedRows = keyedRows(keyTypes);
    }
    List<LossResult> results = set.results(state);
    for (int o = 0; o < keyedRows.length; o++) {
      SpecificInternalRow row = keyedRows[o];
      for (int i = 0; i < keyCount; i++) {
        Object key = r.get(i, keyTypes[i]);
        row.update(i, key instanceof UTF8String u ? u.clone() : key); // a string points into r
      }
      LossResult res = results.get(o);
      int i = keyCount + 2;
      if (res.value() == null) {
        row.setNullAt(i);
      } else {
        row.setDouble(i, res.value());
      }
      row.setLong(i + 1, res.rows());
      row.setLong(i + 2, res.invalidRows());
      String reasons = reasons(res.invalidByReason());
      row.update(i + 3, reasons == null ? null : UTF8String.fromString(reasons));
      row.setDouble(i + 4, res.weightSum());
    }
    return java.util.Arrays.<InternalRow>asList(keyedRows).iterator();
  }

  /** One row per loss output with the columns every keyed row of the run shares already set. */
  private SpecificInternalRow[] keyedRows(DataType[] keyTypes) {
    List<DataType> types = new ArrayList<>(List.of(keyTypes));
    for (StructField f : schema(List.of()).fields()) {
      types.add(f.dataType());
    }
    List<String> outputs = set.outputNames();
    SpecificInternalRow[] out = new SpecificInternalRow[outputs.size()];
    for (int o = 0; o < out.length; o++) {
      SpecificInternalRow row = new SpecificInternalRow(scala.jdk.javaapi.CollectionConverters.asScala(types).toSeq());
      int i = keyCount;
      row.update(i, UTF8String.fromString(keyGrouping));
      row.update(i + 1, UTF8String.fromString(outputs.get(o)));
      row.update(i + 7, scope == null ? null : UTF8String.fromString(scope));
      for (int c = i + 8; c < i + 16; c++) { // std_error, ci_low, ci_high and the comparison: null
        row.setNullAt(c);
      }
      row.update(i + 16, UTF8String.fromString(runId));
      row.setLong(i + 17, DateTimeUtils.fromJavaTimestamp(computedAt));
      out[o] = row;
    }
    return out;
  }

  /** Report rows of the overall state (key columns null). */
  public List<Row> ofOverall(LossState state) {
    return rows(new Object[keyCount], OVERALL, state);
  }

  /** Report rows of a grouping's state: {@code keys} holds every key column, null where the grouping has none. */
  public List<Row> rows(Object[] keys, String grouping, LossState state) {
    return rows(keys, grouping, state, null);
  }

  /**
   * Report rows of a grouping's state with the jackknife replicates of its outputs ({@link LossSet#results}
   * order; null: no intervals), from which rows {@link #with} a level get their intervals.
   */
  public List<Row> rows(Object[] keys, String grouping, LossState state, List<Jackknife.Replicates> replicates) {
    List<Row> out = new ArrayList<>();
    List<LossResult> results = set.results(state);
    for (int o = 0; o < results.size(); o++) {
      LossResult r = results.get(o);
      Jackknife.Replicates reps = replicates == null ? null : replicates.get(o);
      Jackknife.Interval ci = level == null ? Jackknife.Interval.NONE : Jackknife.interval(reps, level);
      Object[] v = new Object[keyCount + 18 + (scored ? 1 : 0)];
      System.arraycopy(keys, 0, v, 0, keyCount);
      int i = keyCount;
      v[i++] = grouping;
      v[i++] = r.loss();
      v[i++] = r.value();
      v[i++] = r.rows();
      v[i++] = r.invalidRows();
      v[i++] = reasons(r.invalidByReason());
      v[i++] = r.weightSum();
      v[i++] = scope;
      v[i++] = ci.stdError();
      v[i++] = ci.low();
      v[i++] = ci.high();
      i += DELTA_COLUMNS.size(); // null until a Comparison
      v[i++] = runId;
      v[i++] = computedAt;
      if (scored) {
        v[i] = reps == null ? null : reps.leaveOneOut();
      }
      out.add(RowFactory.create(v));
    }
    return out;
  }

  /** {@code reason=count} pairs, comma-joined; null when no row was invalid. */
  static String reasons(Map<String, Long> byReason) {
    if (byReason.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    byReason.forEach((k, n) -> parts.add(k + "=" + n));
    return String.join(",", parts);
  }
}
