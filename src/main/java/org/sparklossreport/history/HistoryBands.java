package org.sparklossreport.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.report.ReportRows;

/**
 * Adds the {@link HistoryColumns} to report rows from the earlier rows of a report, in Spark: the earlier
 * rows are grouped per series (grouping, the key values but the history column's, loss) into one array of
 * (history value, value, std_error, anomaly, expected), sorted by the history value; each row is joined with
 * its series' array, keeps the entries before its own history value, and {@link SeriesWalk} judges it on
 * the executors. One aggregation and one join over the report table: the predictions are never read, and
 * nothing is collected to the driver. Memory: a series' earlier nights, as one array per series.
 */
public final class HistoryBands {
  private HistoryBands() {}

  private static final String POINTS = "__history_points";
  private static final String BAND = "__history_band";

  /**
   * {@code rows} (a report's rows, key columns {@code keys}) with the history columns, judged against the
   * rows of {@code earlier} (a report: the same output's, read back; null for none) of the same series whose
   * history value is smaller. Rows that already have history columns get new ones.
   */
  public static Dataset<Row> annotate(Dataset<Row> rows, Dataset<Row> earlier, List<String> keys, HistorySpec spec) {
    String column = column(keys, spec.column());
    List<String> series = new ArrayList<>(keys);
    series.remove(column);
    series.addAll(ReportRows.IDENTITY);
    Dataset<Row> own = rows.drop(HistoryColumns.NAMES.toArray(String[]::new));
    DataType type = own.schema().apply(column).dataType();
    Dataset<Row> joined;
    if (earlier == null) {
      joined = own.withColumn(POINTS, functions.lit(null).cast("array<struct<t:" + type.sql()
          + ",value:double,se:double,anomaly:boolean,expected:double>>"));
    } else {
      List<String> have = List.of(earlier.columns());
      List<Column> select = new ArrayList<>();
      for (int i = 0; i < series.size(); i++) {
        select.add(optional(earlier, have, series.get(i), null).as("__s" + i));
      }
      select.add(functions.struct(earlier.col(ColumnTypes.quote(column)).cast(type).as("t"),
          earlier.col("value").cast("double").as("value"), optional(earlier, have, "std_error", "double").as("se"),
          optional(earlier, have, HistoryColumns.ANOMALY, "boolean").as("anomaly"),
          optional(earlier, have, HistoryColumns.EXPECTED, "double").as("expected")).as("p"));
      if (!have.contains(column)) {
        throw new UsageException("--history-by " + spec.column() + ": the earlier report has no column " + column);
      }
      Dataset<Row> points = earlier.where(earlier.col(ColumnTypes.quote(column)).isNotNull()
              .and(earlier.col("value").isNotNull()))
          .select(select.toArray(Column[]::new))
          .groupBy(java.util.stream.IntStream.range(0, series.size()).mapToObj(i -> functions.col("__s" + i))
              .toArray(Column[]::new))
          .agg(functions.array_sort(functions.collect_list("p")).as(POINTS));
      Column match = null;
      for (int i = 0; i < series.size(); i++) {
        Column eq = own.col(ColumnTypes.quote(series.get(i))).eqNullSafe(points.col("__s" + i));
        match = match == null ? eq : match.and(eq);
      }
      List<Column> keep = new ArrayList<>();
      for (String c : own.columns()) {
        keep.add(own.col(ColumnTypes.quote(c)));
      }
      keep.add(points.col(POINTS));
      joined = own.join(points, match, "left").select(keep.toArray(Column[]::new));
    }
    Column t = functions.col(ColumnTypes.quote(column));
    Column before = functions.filter(functions.col(POINTS), p -> p.getField("t").lt(t));
    Dataset<Row> judged = joined.withColumn(BAND, udf(spec).apply(before, functions.col("value").cast("double"),
        functions.col("std_error").cast("double"), t.isNotNull()));
    List<Column> out = new ArrayList<>();
    for (String c : own.columns()) {
      out.add(functions.col(ColumnTypes.quote(c)));
    }
    for (String c : HistoryColumns.NAMES) {
      out.add(functions.col(BAND).getField(c).as(c));
    }
    return judged.select(out.toArray(Column[]::new));
  }

  /** The key column named {@code name} (case-insensitively); a usage error when the report has none. */
  public static String column(List<String> keys, String name) {
    for (String k : keys) {
      if (k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new UsageException("--history-by " + name + " is not a key column of the report (its key columns: "
        + (keys.isEmpty() ? "none" : String.join(", ", keys)) + "); give one of them, e.g. the date key");
  }

  private static Column optional(Dataset<Row> df, List<String> have, String name, String type) {
    if (!have.contains(name)) {
      return functions.lit(null).cast(type == null ? "string" : type);
    }
    Column c = df.col(ColumnTypes.quote(name));
    return type == null ? c : c.cast(type);
  }

  private static UserDefinedFunction udf(HistorySpec spec) {
    UDF4<scala.collection.Seq<Row>, Double, Double, Boolean, Row> judge = (points, value, se, inHistory) -> {
      if (inHistory == null || !inHistory) {
        return null;
      }
      List<SeriesWalk.Point> earlier = new ArrayList<>();
      if (points != null) {
        for (Row p : scala.jdk.javaapi.CollectionConverters.asJava(points)) {
          earlier.add(new SeriesWalk.Point(p.getDouble(1), p.isNullAt(2) ? null : p.getDouble(2),
              p.isNullAt(3) ? null : p.getBoolean(3), p.isNullAt(4) ? null : p.getDouble(4)));
        }
      }
      return row(SeriesWalk.judge(earlier, value == null ? 0 : value, se == null ? 0 : se, spec), value != null);
    };
    return functions.udf(judge, HistoryColumns.SCHEMA);
  }

  /** The history columns of a result; without tonight's value, the band alone (z null, no anomaly). */
  private static Row row(SeriesWalk.Result r, boolean hasValue) {
    Band b = r.band();
    if (b == null) {
      return RowFactory.create(null, null, null, null, r.historyN(), null, false);
    }
    Band.Verdict v = r.verdict();
    return RowFactory.create(number(b.expected()), number(v.low()), number(v.high()), b.method().label(),
        r.historyN(), hasValue ? number(v.z()) : null, hasValue && v.anomaly());
  }

  /** NaN (a history of infinite values) is never reported: null. */
  private static Double number(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
