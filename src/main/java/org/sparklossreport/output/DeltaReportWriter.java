package org.sparklossreport.output;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.spec.WriteMode;

/**
 * Writes a report into a Delta Lake table ({@code --output-format delta}). {@code overwrite} is one MERGE
 * on the row identity (grouping, key values, loss): rows of this run's identities are replaced, new ones
 * inserted, every other row kept — the effect of a {@code replaceWhere} on exactly the run's identities,
 * without a predicate that lists them. {@code append} appends, {@code error-if-exists} refuses an existing
 * table. New key columns are added to the table's schema (schema evolution).
 *
 * <p>Concurrent writers are resolved by Delta's optimistic commit protocol: a commit that conflicts with
 * another run's is refused by Delta ({@link DeltaConcurrentModificationException}), and this run then
 * merges again on the newer table version, up to {@link #ATTEMPTS_CONF} times. So rows of disjoint
 * identities of concurrent runs both land and, for the same identity, the later commit wins; a run that
 * keeps losing fails naming the conflict, and the table stays as the other runs left it.
 */
final class DeltaReportWriter extends ReportWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaReportWriter.class);

  /** Commit attempts of one run against concurrent writers (default 10). */
  static final String ATTEMPTS_CONF = "spark.lossreport.delta.commitAttempts";

  /**
   * Tests only: runs when this run has found no table and is about to create it (where another run may
   * create it first). Does nothing otherwise.
   */
  static volatile Runnable beforeCreate = () -> { };

  DeltaReportWriter(SparkSession spark, String output, String runId, Table table) {
    super(spark, output, runId, table);
  }

  @Override
  public void prepare(WriteMode mode) throws IOException {
    probeParent();
    boolean delta = exists();
    if (!delta && fs.exists(output) && (fs.isFile(output) || fs.listStatus(output).length > 0)) {
      throw new UsageException(table.option() + " '" + output + "' holds files that are not a Delta table; write the"
          + " Delta report elsewhere, or use the output's own format (--output-format parquet, csv or json)");
    }
    if (mode == WriteMode.ERROR_IF_EXISTS && delta) {
      throw new UsageException("--mode error-if-exists: Delta table '" + output + "' already exists");
    }
  }

  /**
   * Whether the output is a Delta table, from its log on the file system. Not
   * {@code DeltaTable.isDeltaTable}: it answers from the session's cached log, which does not see a table
   * another process created since this session first looked, and a blind append onto such a table would
   * duplicate the rows a MERGE replaces.
   */
  private boolean exists() {
    try {
      Path log = new Path(output, "_delta_log");
      if (!fs.isDirectory(log)) {
        return false;
      }
      for (FileStatus st : fs.listStatus(log)) {
        String name = st.getPath().getName();
        if (name.endsWith(".json") || name.contains(".checkpoint")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the Delta log of " + output, e);
    }
  }

  @Override
  public void write(Dataset<Row> report, WriteMode mode, List<String> keys) {
    int attempts = Integer.parseInt(spark.conf().get(ATTEMPTS_CONF, "10").trim());
    for (int attempt = 1; ; attempt++) {
      try {
        writeOnce(report, mode, keys);
        LOG.info("Report committed to Delta table {} (attempt {})", output, attempt);
        return;
      } catch (Exception e) { // not only RuntimeException: Spark's AnalysisException is checked (see writeOnce)
        Throwable conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt >= attempts || mode == WriteMode.ERROR_IF_EXISTS) {
          throw new ConcurrentRunException("Delta table '" + output + "' was changed by another run while this"
              + " one committed, " + attempt + " time(s) (" + Messages.firstLine(conflict.getMessage())
              + "); this run's report was not written (" + ATTEMPTS_CONF + " sets the attempts)", e);
        }
        LOG.warn("Delta commit attempt {} conflicted with another run ({}); merging again on the new version",
            attempt, conflict.getClass().getSimpleName());
        OutputLock.sleep(100L * attempt + ThreadLocalRandom.current().nextLong(200),
            "committing to the Delta table");
      }
    }
  }

  private void writeOnce(Dataset<Row> report, WriteMode mode, List<String> keys) {
    if (!exists()) {
      // A new table. errorifexists, not append: Delta checks at the start of its transaction that there is
      // still no table and fails the commit of version 0 when another run made one first; then the table
      // exists and this run merges again. (A blind append never conflicts, so it would duplicate rows.)
      // When the other run commits between this run's look and the start of its transaction, Delta refuses
      // at the start instead: DELTA_PATH_EXISTS, a DeltaAnalysisException. Spark's AnalysisException is a
      // checked exception (it extends Exception) which Scala code throws undeclared, so catching only
      // RuntimeException let it through as "the job failed" instead of merging (seen under heavy load).
      beforeCreate.run();
      try {
        report.write().format("delta").mode("errorifexists").save(output.toString());
        return;
      } catch (Exception e) {
        if (conflict(e) != null || !exists()) {
          throw e;
        }
        if (mode == WriteMode.ERROR_IF_EXISTS) {
          throw new UsageException("--mode error-if-exists: Delta table '" + output + "' was created by another"
              + " run while this one ran");
        }
        throw new ConcurrentTableCreation(e);
      }
    }
    if (mode == WriteMode.ERROR_IF_EXISTS) {
      throw new UsageException("--mode error-if-exists: Delta table '" + output + "' was created by another"
          + " run while this one ran");
    }
    if (mode == WriteMode.APPEND) {
      report.write().format("delta").mode("append").option("mergeSchema", "true").save(output.toString());
      return;
    }
    String on = identity(keys, table).stream()
        .map(c -> "t." + ColumnTypes.quote(c) + " <=> s." + ColumnTypes.quote(c))
        .collect(Collectors.joining(" AND "));
    DeltaTable.forPath(spark, output.toString()).as("t").merge(report.as("s"), on)
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .withSchemaEvolution()
        .execute();
  }

  /** Another run created the table while this run was about to. */
  private static final class ConcurrentTableCreation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConcurrentTableCreation(Throwable cause) {
      super("another run created the Delta table first: " + Messages.firstLine(cause.getMessage()), cause);
    }
  }

  /** The Delta conflict in {@code e}'s cause chain (another run committed first), or null. */
  private static Throwable conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeltaConcurrentModificationException || t instanceof ConcurrentTableCreation
          || t instanceof java.nio.file.FileAlreadyExistsException
          || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException
          || (t.getClass().getName().startsWith("org.apache.spark.sql.delta")
              && t.getClass().getSimpleName().contains("Concurrent"))) {
        return t;
      }
    }
    return null;
  }
}
