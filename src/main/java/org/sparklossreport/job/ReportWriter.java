package org.sparklossreport.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.spark.LossFunctions;

/**
 * Writes a report so that no reader ever sees half of it: the whole new report (with the earlier
 * report's rows it keeps, under {@code overwrite} and {@code append}) is written to a hidden staging
 * directory beside the output, then swapped in by two renames. A run killed while writing leaves the
 * earlier report untouched; one killed between the renames leaves it under a hidden backup name, which
 * the next run puts back before it starts ({@link #recover}).
 *
 * <p>One writer at a time per output path (as for any Spark table without a transaction log).
 */
public final class ReportWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

  private final SparkSession spark;
  private final FileSystem fs;
  private final Path output;
  private final String format;
  private final String runId;

  public ReportWriter(SparkSession spark, String output, String format, String runId) {
    this.spark = spark;
    this.format = format;
    this.runId = runId;
    try {
      Path p = new Path(output);
      this.fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      this.output = fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--output '" + output + "' is not a usable path: " + e.getMessage(), e);
    }
  }

  public Path output() {
    return output;
  }

  private Path staging() {
    return new Path(output.getParent(), "." + output.getName() + ".staging-" + runId);
  }

  private Path backup() {
    return new Path(output.getParent(), "." + output.getName() + ".previous-" + runId);
  }

  /** True when the output path holds an earlier report (or any file). */
  public boolean exists() throws IOException {
    return fs.exists(output);
  }

  /**
   * Before any input is read: puts back a report a killed run left under its backup name, removes
   * abandoned staging directories, and checks that the output's parent can be written.
   */
  public void recover() throws IOException {
    Path parent = output.getParent();
    if (parent == null) {
      throw new UsageException("--output '" + output + "' has no parent directory");
    }
    if (fs.exists(parent)) {
      FileStatus[] leftovers = fs.globStatus(new Path(parent, "." + output.getName() + ".*-*"));
      if (leftovers != null) {
        for (FileStatus st : leftovers) {
          String name = st.getPath().getName();
          if (name.contains(".previous-") && !fs.exists(output)) {
            LOG.warn("Restoring the report a killed run left at {}", st.getPath());
            fs.rename(st.getPath(), output);
          } else if (name.contains(".staging-") || name.contains(".previous-")) {
            LOG.info("Removing {} left by an earlier run that did not finish", st.getPath());
            fs.delete(st.getPath(), true);
          }
        }
      }
    }
    Path probe = new Path(parent, "." + output.getName() + ".probe-" + runId);
    try {
      fs.mkdirs(parent);
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new UsageException("--output '" + output + "' cannot be written: " + e.getMessage(), e);
    }
    if (fs.exists(output) && fs.isFile(output)) {
      throw new UsageException("--output '" + output + "' is a file; expected a directory (or no such path)");
    }
  }

  /**
   * Writes {@code report} under {@code mode}; {@code keyColumns} identify the rows an {@code overwrite}
   * replaces (with {@code grouping}).
   */
  public void write(Dataset<Row> report, WriteMode mode, List<String> keyColumns) throws IOException {
    Dataset<Row> all = report;
    if (exists() && mode != WriteMode.ERROR_IF_EXISTS) {
      Dataset<Row> earlier = read(report.schema());
      if (mode == WriteMode.OVERWRITE) {
        List<String> on = new ArrayList<>(keyColumns);
        on.add("grouping");
        for (String c : keyColumns) {
          if (!List.of(earlier.columns()).contains(c)) { // a report by other keys: its rows lack this key
            earlier = earlier.withColumn(c, functions.lit(null).cast(report.schema().apply(c).dataType()));
          }
        }
        Dataset<Row> written = report.select(on.stream().map(c -> report.col(c).as("__" + c))
            .toArray(Column[]::new)).distinct();
        Column match = null;
        for (String c : on) {
          Column eq = earlier.col(c).eqNullSafe(written.col("__" + c));
          match = match == null ? eq : match.and(eq);
        }
        earlier = earlier.join(written, match, "left_anti");
      }
      // Key columns first (this run's, then those only earlier runs had), as job.md lays the report out.
      List<String> columns = new ArrayList<>(List.of(report.columns()));
      int at = columns.indexOf("grouping");
      for (String c : earlier.columns()) {
        if (!columns.contains(c)) {
          columns.add(at++, c);
        }
      }
      all = report.unionByName(earlier, true)
          .select(columns.stream().map(c -> functions.col(LossFunctions.quote(c))).toArray(Column[]::new));
    } else if (exists()) {
      throw new UsageException("--mode error-if-exists: output '" + output + "' already exists");
    }
    Path staging = staging();
    LOG.info("Writing the report to staging {}", staging);
    // ignoreNullFields=false: JSON records keep null columns (keys of the overall row, invalid_reasons), so
    // every report column is in the file even when all its values are null.
    all.write().mode("overwrite").format(format).option("header", "true").option("ignoreNullFields", "false")
        .save(staging.toString());
    commit(staging);
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
      Column col = raw.col(LossFunctions.quote(c));
      return (names.contains(c) ? col.cast(schema.apply(c).dataType()) : col).as(c);
    }).toArray(Column[]::new));
  }

  /** Swaps staging in: output → backup, staging → output, then drops the backup. */
  private void commit(Path staging) throws IOException {
    Path backup = backup();
    boolean had = fs.exists(output);
    if (had && !fs.rename(output, backup)) {
      throw new IOException("could not move the earlier report " + output + " aside to " + backup);
    }
    if (!fs.rename(staging, output)) {
      if (had) {
        fs.rename(backup, output);
      }
      throw new IOException("could not move the new report from " + staging + " to " + output);
    }
    if (had) {
      fs.delete(backup, true);
    }
    LOG.info("Report committed at {}", output);
  }

  /** Removes this run's staging directory (after a failure). */
  public void abort() {
    try {
      fs.delete(staging(), true);
    } catch (IOException e) {
      LOG.warn("Could not remove staging {}: {}", staging(), e.getMessage());
    }
  }
}
