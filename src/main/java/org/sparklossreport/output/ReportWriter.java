package org.sparklossreport.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.history.HistoryColumns;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.spec.WriteMode;

/**
 * Writes a report to its output under a {@link WriteMode}, by the identity rule of {@code spec/job.md}: a
 * row's identity is (grouping, key values, loss) ({@link ReportRows#IDENTITY}); {@code overwrite} replaces
 * exactly the rows whose identity this run computes and keeps every other row, those of losses this run
 * did not compute included. Two implementations: {@link FileReportWriter} (Parquet, CSV, JSON: staging
 * directory, renames, an {@link OutputLock} against concurrent runs) and {@link DeltaReportWriter} (a
 * Delta table: a MERGE on the identity, concurrent writers resolved by Delta's commit protocol).
 */
public abstract class ReportWriter {
  protected final SparkSession spark;
  protected final FileSystem fs;
  protected final Path output;
  protected final String runId;
  protected final Table table;

  /**
   * What a writer writes: the option that names its path (for messages) and the columns besides the key
   * columns that identify a row. A report's rows are identified by (key values, grouping, loss); a states
   * table's by (key values, bucket, loss).
   */
  public record Table(String option, List<String> identity) {
    /** The report ({@code --output}). */
    public static final Table REPORT = new Table("--output", ReportRows.IDENTITY);
    /** Saved states ({@code --states}). */
    public static final Table STATES = new Table("--states", List.of("bucket", "loss"));
  }

  protected ReportWriter(SparkSession spark, String output, String runId, Table table) {
    this.spark = spark;
    this.runId = runId;
    this.table = table;
    try {
      Path p = new Path(output);
      this.fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      this.output = fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(table.option() + " '" + output + "' is not a usable path: " + e.getMessage(), e);
    }
    if (this.output.getParent() == null) {
      throw new UsageException(table.option() + " '" + output + "' has no parent directory");
    }
  }

  /** The report writer for {@code format}: {@code delta}, else files of that format. */
  public static ReportWriter of(SparkSession spark, String output, String format, String runId) {
    return of(spark, output, format, runId, Table.REPORT);
  }

  /** The writer of {@code table} for {@code format}: {@code delta}, else files of that format. */
  public static ReportWriter of(SparkSession spark, String output, String format, String runId, Table table) {
    return format.equals("delta") ? new DeltaReportWriter(spark, output, runId, table)
        : new FileReportWriter(spark, output, format, runId, table);
  }

  /** The qualified output path. */
  public Path output() {
    return output;
  }

  /**
   * Before any input is read: the output can be written, and under {@code error-if-exists} holds no
   * report yet (checked again when the report is committed).
   */
  public abstract void prepare(WriteMode mode) throws IOException;

  /** Writes {@code report} (key columns {@code keys}) under {@code mode}, all or nothing. */
  public abstract void write(Dataset<Row> report, WriteMode mode, List<String> keys) throws IOException;

  /**
   * The last rows of a report written in two parts, made only after the first part is written and before
   * anything is committed: the overall rows, which need what writing the keys' rows added up. Making them
   * may fail (the invalid-row policy), and then nothing is committed.
   *
   * @param identities the identity columns of the rows {@code rows} gives, known before: an earlier
   *     report's rows of these identities are replaced under {@code overwrite}
   * @param rows the rows, after the first part is written
   */
  public record Tail(Dataset<Row> identities, java.util.function.Supplier<Dataset<Row>> rows) {}

  /** True when this writer writes a report in two parts ({@link #write(Dataset, WriteMode, List, Tail)}). */
  public boolean writesTails() {
    return false;
  }

  /** Writes {@code report}, then the rows of {@code tail}, under {@code mode}, all or nothing. */
  public void write(Dataset<Row> report, WriteMode mode, List<String> keys, Tail tail) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " writes a report in one part");
  }

  /** The columns of a row's identity: the key columns, then those of {@code table}. */
  static List<String> identity(List<String> keys, Table table) {
    List<String> on = new ArrayList<>(keys);
    on.addAll(table.identity());
    return on;
  }

  /**
   * The report an output holds after this run: {@code report} and, of {@code earlier}, every row under
   * {@code append}, the rows whose identity {@code report} lacks under {@code overwrite}. Key columns
   * come first (this run's, then those only earlier runs had), as job.md lays the report out; columns
   * one side lacks are null.
   */
  static Dataset<Row> combine(Dataset<Row> report, Dataset<Row> earlier, WriteMode mode, List<String> keys,
      Table table) {
    return combine(report, null, earlier, mode, keys, table);
  }

  /**
   * {@link #combine(Dataset, Dataset, WriteMode, List, Table)} for a report written in two parts: under
   * {@code overwrite} the earlier rows of the identities in {@code tail} (identity columns; null for
   * none) are replaced too.
   */
  static Dataset<Row> combine(Dataset<Row> report, Dataset<Row> tail, Dataset<Row> earlier, WriteMode mode,
      List<String> keys, Table table) {
    for (String c : keys) {
      if (!List.of(earlier.columns()).contains(c)) { // a report by other keys: its rows lack this key
        earlier = earlier.withColumn(c, functions.lit(null).cast(report.schema().apply(c).dataType()));
      }
    }
    if (mode == WriteMode.OVERWRITE) {
      List<String> on = identity(keys, table);
      // no distinct(): a run's report holds each identity once (one state per key, one row per output)
      Dataset<Row> written = report.select(on.stream().map(c -> report.col(ColumnTypes.quote(c)).as("__" + c))
          .toArray(Column[]::new));
      if (tail != null) {
        written = written.union(tail.select(on.stream().map(c -> tail.col(ColumnTypes.quote(c)).as("__" + c))
            .toArray(Column[]::new)));
      }
      Column match = null;
      for (String c : on) {
        Column eq = earlier.col(ColumnTypes.quote(c)).eqNullSafe(written.col("__" + c));
        match = match == null ? eq : match.and(eq);
      }
      earlier = earlier.join(written, match, "left_anti");
    }
    List<String> columns = new ArrayList<>(List.of(report.columns()));
    int at = columns.indexOf(table.identity().get(0));
    for (String c : earlier.columns()) {
      if (!columns.contains(c)) {
        if (HistoryColumns.NAMES.contains(c)) { // earlier rows' bands stay after the report's own columns
          columns.add(c);
        } else {
          columns.add(at++, c);
        }
      }
    }
    return report.unionByName(earlier, true)
        .select(columns.stream().map(c -> functions.col(ColumnTypes.quote(c))).toArray(Column[]::new));
  }

  /** Checks the output's parent can be written, by creating and removing a probe file. */
  protected void probeParent() {
    Path parent = output.getParent();
    Path probe = new Path(parent, "." + output.getName() + ".probe-" + runId);
    try {
      fs.mkdirs(parent);
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new UsageException(table.option() + " '" + output + "' cannot be written: " + e.getMessage(), e);
    }
  }
}
