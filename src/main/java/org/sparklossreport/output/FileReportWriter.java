package org.sparklossreport.output;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.SessionSettings;
import org.sparklossreport.spec.WriteMode;

/**
 * Writes a report as files (Parquet, CSV, JSON) so that no reader ever sees half of it and concurrent runs
 * never lose each other's rows:
 * <ol>
 *   <li>the run takes the output's {@link OutputLock} (waiting for a live holder, taking over a crashed
 *       one's);
 *   <li>it puts back a report a killed run left under its backup name and removes what killed runs left
 *       (only a lock holder writes staging and backup directories, so these are abandoned);
 *   <li>it reads the earlier report, combines it with its own rows by the identity rule
 *       ({@link ReportWriter#combine}) and writes the whole to a hidden staging directory;
 *   <li>it swaps staging in by two renames (output → backup, staging → output), drops the backup, and
 *       releases the lock.
 * </ol>
 * Two runs on one output thus commit one after the other, the later one merging the earlier one's rows:
 * rows of disjoint identities both land, and for the same identity the later commit wins.
 */
public final class FileReportWriter extends ReportWriter {
  private static final Logger LOG = LoggerFactory.getLogger(FileReportWriter.class);

  private final String format;

  FileReportWriter(SparkSession spark, String output, String format, String runId, Table table) {
    super(spark, output, runId, table);
    this.format = format;
  }

  private Path staging() {
    return new Path(output.getParent(), "." + output.getName() + ".staging-" + runId);
  }

  private Path backup() {
    return new Path(output.getParent(), "." + output.getName() + ".previous-" + runId);
  }

  @Override
  public void prepare(WriteMode mode) throws IOException {
    probeParent();
    if (fs.exists(output) && fs.isFile(output)) {
      throw new UsageException(table.option() + " '" + output + "' is a file; expected a directory (or no such path)");
    }
    if (mode == WriteMode.ERROR_IF_EXISTS && hasReport()) {
      throw new UsageException("--mode error-if-exists: output '" + output + "' already exists");
    }
  }

  /** True when the output holds a report, or a killed run's report waits under its backup name. */
  private boolean hasReport() throws IOException {
    FileStatus[] backups = fs.globStatus(new Path(output.getParent(), "." + output.getName() + ".previous-*"));
    return fs.exists(output) || (backups != null && backups.length > 0);
  }

  @Override
  public void write(Dataset<Row> report, WriteMode mode, List<String> keys) throws IOException {
    write(report, mode, keys, null);
  }

  @Override
  public boolean writesTails() {
    return true;
  }

  @Override
  public void write(Dataset<Row> report, WriteMode mode, List<String> keys, Tail tail) throws IOException {
    long stale = seconds(OutputLock.STALE_CONF, 120) * 1000;
    long wait = seconds(OutputLock.WAIT_CONF, 1800) * 1000;
    try (OutputLock lock = OutputLock.acquire(fs, output, runId, stale, wait)) {
      holdForTests();
      recover();
      if (mode == WriteMode.ERROR_IF_EXISTS && fs.exists(output)) {
        throw new UsageException("--mode error-if-exists: output '" + output + "' was written by another run"
            + " while this one ran");
      }
      Dataset<Row> all = fs.exists(output) && mode != WriteMode.ERROR_IF_EXISTS
          ? combine(report, tail == null ? null : tail.identities(), read(report.schema()), mode, keys, table)
          : report;
      Path staging = staging();
      LOG.info("Writing the report to staging {}", staging);
      try {
        save(all, "overwrite", staging);
        Dataset<Row> last = tail == null ? null : tail.rows().get();
        if (last != null) {
          save(aligned(last, all.schema()), "append", staging);
        }
        lock.checkHeld();
        commit(staging);
      } catch (IOException | RuntimeException e) {
        delete(staging);
        throw e;
      }
    }
  }

  /**
   * {@code rows} with the columns of {@code schema} in its order, null where {@code rows} lacks one (an
   * earlier report's key columns): every file of a report has the same columns, as CSV readers need.
   */
  private static Dataset<Row> aligned(Dataset<Row> rows, StructType schema) {
    List<String> have = List.of(rows.columns());
    return rows.select(Arrays.stream(schema.fields()).map(f -> (have.contains(f.name())
        ? rows.col(ColumnTypes.quote(f.name())) : functions.lit(null).cast(f.dataType())).as(f.name()))
        .toArray(Column[]::new));
  }

  private void save(Dataset<Row> rows, String saveMode, Path staging) {
    // computed_at as Parquet's INT64 microsecond timestamp, not Spark's default of the legacy INT96,
    // which other readers deprecate and which costs a conversion per row (a tenth of a 800,000-row write);
    // a session that sets a timestamp type keeps it
    boolean own = format.equals("parquet") && !spark.conf().getAll().contains(TIMESTAMP_TYPE);
    SessionSettings.during(spark, own ? Map.of(TIMESTAMP_TYPE, "TIMESTAMP_MICROS") : Map.of(), () -> {
      // ignoreNullFields=false: JSON records keep null columns (keys of the overall row, invalid_reasons),
      // so every report column is in the file even when all its values are null.
      rows.write().mode(saveMode).format(format).option("header", "true").option("ignoreNullFields", "false")
          .save(staging.toString());
      return null;
    });
  }

  private static final String TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";

  /**
   * Test-only: {@value #HOLD_CONF} milliseconds of waiting with the lock held, so that tests of concurrent
   * runs make them overlap for sure. Unset (no wait) in every real run.
   */
  public static final String HOLD_CONF = "spark.lossreport.test.lockHoldMillis";

  private void holdForTests() {
    long hold = Long.parseLong(spark.conf().get(HOLD_CONF, "0"));
    if (hold > 0) {
      LOG.warn("Holding the output lock for {} ms ({}: tests only)", hold, HOLD_CONF);
      try {
        Thread.sleep(hold);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private long seconds(String conf, long dflt) {
    String v = spark.conf().get(conf, String.valueOf(dflt));
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--conf " + conf + " must be a whole number of seconds, got '" + v + "'");
    }
  }

  /**
   * Under the lock: puts back a report a killed run left under its backup name, and removes the staging
   * and backup directories of runs that did not finish (and a stale lock a taker died before removing).
   */
  private void recover() throws IOException {
    FileStatus[] leftovers = fs.globStatus(new Path(output.getParent(), "." + output.getName() + ".*-*"));
    if (leftovers == null) {
      return;
    }
    for (FileStatus st : leftovers) {
      String name = st.getPath().getName();
      if (name.contains(".previous-") && !fs.exists(output)) {
        LOG.warn("Restoring the report a killed run left at {}", st.getPath());
        if (!fs.rename(st.getPath(), output)) {
          throw new IOException("could not restore the report a killed run left at " + st.getPath());
        }
      } else if (name.contains(".staging-") || name.contains(".previous-") || name.contains(".lock.stale-")) {
        LOG.info("Removing {} left by an earlier run that did not finish", st.getPath());
        fs.delete(st.getPath(), true);
      }
    }
  }

  /**
   * The earlier report, its columns matched by name: an earlier run may have had other key columns, and a
   * CSV read with a schema would match them by position. CSV (header, strings) and JSON (inferred) columns
   * are cast to this run's types where this run has them.
   */
  private Dataset<Row> read(StructType schema) {
    if (format.equals("parquet")) {
      return spark.read().parquet(output.toString());
    }
    Dataset<Row> raw = spark.read().format(format).option("header", "true").load(output.toString());
    List<String> names = List.of(schema.fieldNames());
    return raw.select(Arrays.stream(raw.columns()).map(c -> {
      Column col = raw.col(ColumnTypes.quote(c));
      return (names.contains(c) ? col.cast(schema.apply(c).dataType()) : col).as(c);
    }).toArray(Column[]::new));
  }

  /**
   * Swaps staging in: output → backup, staging → output, then drops the backup. The output must be gone
   * before the second rename: a rename onto an existing directory would nest the new report inside it.
   */
  private void commit(Path staging) throws IOException {
    Path backup = backup();
    boolean had = fs.exists(output);
    if (had && !fs.rename(output, backup)) {
      throw new IOException("could not move the earlier report " + output + " aside to " + backup);
    }
    if (fs.exists(output) || !fs.rename(staging, output)) {
      if (had && !fs.exists(output)) {
        fs.rename(backup, output);
      }
      throw new IOException("could not move the new report from " + staging + " to " + output);
    }
    if (had) {
      fs.delete(backup, true);
    }
    LOG.info("Report committed at {}", output);
  }

  private void delete(Path p) {
    try {
      fs.delete(p, true);
    } catch (IOException e) {
      LOG.warn("Could not remove {}: {}", p, e.getMessage());
    }
  }
}
