package org.sparklossreport.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.history.HistoryColumns;
import org.sparklossreport.report.ReportRows;

/**
 * Reads an existing report in any output format, back in the report's own shape: the key columns first
 * (in the order of the finest {@code grouping}), then the report's columns with their types (CSV and JSON
 * columns are text or inferred, so they are cast), and last the {@link HistoryColumns} of rows written with a
 * history.
 */
public final class ReportReader {
  private ReportReader() {}

  /** delta when the path has a {@code _delta_log}; else parquet, json or csv by its data files' extension. */
  public static String detect(String report) {
    try {
      Path p = new Path(report);
      FileSystem fs = p.getFileSystem(new org.apache.hadoop.conf.Configuration());
      if (!fs.exists(p)) {
        throw new UsageException("--report '" + report + "': no such file or directory");
      }
      if (fs.exists(new Path(p, "_delta_log"))) {
        return "delta";
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(p, true);
      while (files.hasNext()) {
        String name = files.next().getPath().getName().toLowerCase(Locale.ROOT);
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        for (String format : List.of("parquet", "json", "csv")) {
          if (name.endsWith("." + format) || name.contains("." + format + ".")) {
            return format;
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--report '" + report + "' is not a usable path: " + e.getMessage(), e);
    }
    throw new UsageException("--report '" + report + "': no .parquet, .json or .csv files and no _delta_log;"
        + " give --report-format parquet|delta|json|csv");
  }

  /** The report at {@code path} in {@code format}, filtered by {@code where} (null: every row). */
  public static Dataset<Row> read(SparkSession spark, String path, String format, String where) {
    Dataset<Row> raw;
    try {
      raw = spark.read().format(format).option("header", "true").option("inferSchema", "true").load(path);
    } catch (Exception e) { // Scala throws AnalysisException unchecked
      if (e instanceof AnalysisException) {
        throw new UsageException("--report '" + path + "' cannot be read as " + format + ": "
            + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    List<String> names = List.of(raw.columns());
    if (!names.contains("grouping") || !names.contains("loss") || !names.contains("value")) {
      throw new UsageException("--report '" + path + "' is not a loss report: it has no column grouping, loss or value"
          + " (its columns: " + String.join(", ", names) + ")");
    }
    Dataset<Row> report = raw.select(columns(raw).toArray(Column[]::new));
    if (where == null) {
      return report;
    }
    try {
      return report.where(where);
    } catch (Exception e) {
      if (e instanceof AnalysisException || e instanceof org.apache.spark.sql.catalyst.parser.ParseException) {
        throw new UsageException("--where \"" + where + "\" does not fit the report: "
            + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  /** Key columns first, ordered as in the longest grouping; then the report's columns, cast to their types. */
  private static List<Column> columns(Dataset<Row> raw) {
    StructType own = ReportRows.schema(List.of());
    for (org.apache.spark.sql.types.StructField f : HistoryColumns.SCHEMA.fields()) { // after the report's own
      own = own.add(f);
    }
    List<String> ownNames = List.of(own.fieldNames());
    String finest = "";
    for (Row r : raw.select("grouping").distinct().collectAsList()) {
      String g = r.getString(0);
      if (g != null && g.split(",").length > finest.split(",").length) {
        finest = g;
      }
    }
    List<String> order = List.of(finest.split(","));
    List<String> keys = new ArrayList<>();
    for (String c : raw.columns()) {
      if (!ownNames.contains(c)) {
        keys.add(c);
      }
    }
    keys.sort(Comparator.comparingInt(k -> order.contains(k) ? order.indexOf(k) : order.size()));
    List<Column> out = new ArrayList<>();
    keys.forEach(k -> out.add(raw.col(ColumnTypes.quote(k))));
    List<String> present = List.of(raw.columns());
    for (String c : ownNames) {
      if (present.contains(c)) {
        out.add(raw.col(ColumnTypes.quote(c)).cast(own.apply(c).dataType()).as(c));
      }
    }
    return out;
  }
}
