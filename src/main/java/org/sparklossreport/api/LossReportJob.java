package org.sparklossreport.api;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.output.ReportWriter;
import org.sparklossreport.report.JobReport;
import org.sparklossreport.report.ReportRun;
import org.sparklossreport.report.RunResult;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;

/**
 * The loss-report job: reads the prediction table, has {@link ReportRun} plan and run the one pass for
 * every requested loss (one {@link LossState} per key, each row decoded once for all losses; the overall
 * state, the invalid-row policy, groupings, intervals and comparison), and writes the rows it gives
 * atomically with a {@link ReportWriter} (the saved states of {@code --states} first), then reports the
 * gates.
 *
 * <p>Steps and where each check happens: options and losses (before Spark reads anything), output path
 * (before the scan), schema (on the driver, from the input's schema), invalid rows (after the single
 * pass, from the counters in the states), write (staging, then commit).
 */
public final class LossReportJob {
  private static final Logger LOG = LoggerFactory.getLogger(LossReportJob.class);

  private final SparkSession spark;
  private final JobSpec spec;
  private final String runId;
  private final Timestamp computedAt;
  private HistorySpec history;

  public LossReportJob(SparkSession spark, JobSpec spec) {
    this.spark = spark;
    this.spec = spec;
    Instant now = Instant.now();
    this.computedAt = Timestamp.from(now);
    this.runId = runIdAt(now);
  }

  /** A new run id: the UTC time, then 8 random hex digits ({@code 20261130T231500Z-1a2b3c4d}). */
  static String runIdAt(Instant now) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now)
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** This job with a history ({@code --history-by}; null: none): its rows banded, see {@link JobHistory}. */
  public LossReportJob withHistory(HistorySpec history) {
    this.history = history;
    return this;
  }

  /** Runs the job; throws {@link UsageException} for the user's mistakes. */
  public RunResult run() throws IOException {
    long t0 = System.nanoTime();
    JobHistory.check(history, spec.losses());
    ReportWriter writer = ReportWriter.of(spark, spec.output(), spec.outputFormat(), runId);
    checkOutputOutsideInput(writer.output(), "--output", spec.output());
    checkQuarantineApart(writer.output());
    ReportWriter statesWriter = spec.states() == null ? null
        : ReportWriter.of(spark, spec.states(), statesFormat(spec.outputFormat()), runId, ReportWriter.Table.STATES);
    if (statesWriter != null) {
      checkOutputOutsideInput(statesWriter.output(), "--states", spec.states());
      checkApart(statesWriter.output(), writer.output());
    }
    writer.prepare(spec.mode());
    if (statesWriter != null) {
      statesWriter.prepare(spec.mode());
    }

    Dataset<Row> input = read();
    ReportRun plan = ReportRun.plan(spark, spec, input, runId, computedAt);
    try (JobReport report = plan.run(writer.writesTails(), t0)) {
      if (statesWriter != null) { // before the report: a run that then fails leaves states its rerun replaces
        statesWriter.write(report.savedStates(), spec.mode(), report.keys());
        LOG.info("Saved {} state(s) to {}", report.savedStateCount(), statesWriter.output());
      }
      long t1 = System.nanoTime();
      JobReport.Tail tail = report.tail();
      Dataset<Row> rows = JobHistory.banded(spark, report.rows(), report.keys(), writer.output(), spec.outputFormat(),
          history);
      if (tail == null) {
        writer.write(rows, spec.mode(), report.keys()); // the only job after the pass without gates or comparison
      } else { // streamed: the keys' rows as the pass's merge makes them, then the overall rows
        writer.write(rows, spec.mode(), report.keys(), new ReportWriter.Tail(tail.identities(), tail.rows()));
      }
      RunResult result = JobHistory.gated(spark, report.result(writer.output().toString()), spec.outputFormat(),
          history); // with the gates
      LOG.info("Wrote {} report row(s) ({} key(s)) to {} in {} s", result.reportRows(), result.keys(), writer.output(),
          seconds(System.nanoTime() - t1));
      return result;
    }
  }

  /**
   * The report of {@code input} from the pass's persisted states, not written: what {@link LossReport}
   * returns. Valid until closed.
   */
  JobReport compute(Dataset<Row> input, long t0) {
    return plan(input).persisted(t0);
  }

  /** The plan of the report of {@code input}: every usage error the schema can show, and no Spark job. */
  ReportRun plan(Dataset<Row> input) {
    return ReportRun.plan(spark, spec, input, runId, computedAt);
  }

  /** Off: every run persists its key states and summarizes them in a job of their own before writing. */
  public static final String STREAMED_CONF = ReportRun.STREAMED_CONF;

  /** {@link ReportRun#LOCAL_STATES_CONF}. */
  public static final String LOCAL_STATES_CONF = ReportRun.LOCAL_STATES_CONF;

  /** The format of saved states: Delta beside a Delta report, else Parquet (CSV cannot hold a state's struct). */
  static String statesFormat(String outputFormat) {
    return outputFormat.equals("delta") ? "delta" : "parquet";
  }

  private Dataset<Row> read() {
    Dataset<Row> df;
    try {
      if (spec.table() != null) {
        df = spark.table(spec.table());
      } else {
        DataFrameReader r = spark.read().format(spec.inputFormat());
        if (spec.inputFormat().equals("delta")) {
          r = timeTravel(r); // a Delta table's own reader says when the path is not one
        } else {
          checkInputHasData();
        }
        if (spec.inputFormat().equals("csv")) {
          r = r.option("header", "true").option("inferSchema", spec.inputSchema() == null ? "true" : "false");
        }
        if (spec.inputSchema() != null) {
          r = r.schema(spec.inputSchema());
        }
        df = r.load(spec.input());
      }
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) { // Scala throws AnalysisException unchecked
      if (String.valueOf(e.getMessage()).contains("DATA_SOURCE_NOT_FOUND")) {
        throw new UsageException("--input-format " + spec.inputFormat() + " is not available on this classpath"
            + " (delta needs io.delta:delta-spark on the classpath)", e);
      }
      if (e instanceof org.apache.spark.sql.catalyst.parser.ParseException) {
        throw new UsageException("--input-schema '" + spec.inputSchema() + "': " + Messages.firstLine(e.getMessage()), e);
      }
      if (e instanceof AnalysisException) {
        throw new UsageException("cannot read " + spec.inputDescription() + ": " + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    LOG.info("Reading {} ({} column(s))", spec.inputDescription(), df.schema().size());
    if (spec.where() != null) {
      try {
        df = df.where(spec.where());
        df.schema(); // resolve now: a bad filter is the user's mistake, reported before the scan
        df.queryExecution().analyzed();
      } catch (Exception e) { // Scala throws AnalysisException unchecked
        if (e instanceof AnalysisException) {
          throw new UsageException("--where \"" + spec.where() + "\": " + Messages.firstLine(e.getMessage()), e);
        }
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
    }
    return df;
  }

  /** {@code --input-version} / {@code --input-timestamp}: the Delta table as of that version or time. */
  private DataFrameReader timeTravel(DataFrameReader r) {
    if (spec.inputVersion() != null) {
      return r.option("versionAsOf", spec.inputVersion());
    }
    return spec.inputTimestamp() != null ? r.option("timestampAsOf", spec.inputTimestamp()) : r;
  }

  private void checkInputHasData() {
    try {
      Path p = new Path(spec.input());
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new UsageException("--input '" + spec.input() + "': no such file or directory");
      }
      for (FileStatus st : matches) {
        if (st.isFile() || hasDataFile(fs, st.getPath())) {
          return;
        }
      }
      throw new UsageException("--input '" + spec.input() + "' holds no data files");
    } catch (IOException e) {
      throw new UsageException("--input '" + spec.input() + "' cannot be listed: " + e.getMessage(), e);
    }
  }

  private static boolean hasDataFile(FileSystem fs, Path dir) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (st.isFile() ? st.getLen() > 0 : hasDataFile(fs, st.getPath())) {
        return true;
      }
    }
    return false;
  }

  /** {@code option}'s path ({@code given}, qualified {@code output}) is not, holds or lies in the input. */
  private void checkOutputOutsideInput(Path output, String option, String given) {
    if (spec.input() == null) {
      return;
    }
    String base = inputBase();
    String out = output.toString() + "/";
    if (out.startsWith(base) || base.startsWith(out)) {
      throw new UsageException(option + " '" + given + "' is the input or lies inside (or around) the input '"
          + spec.input() + "'; write it elsewhere");
    }
  }

  /** The states and the report are separate tables: neither may hold the other. */
  private void checkApart(Path states, Path output) {
    String a = states + "/";
    String b = output + "/";
    if (a.startsWith(b) || b.startsWith(a)) {
      throw new UsageException("--states '" + spec.states() + "' is the --output '" + spec.output()
          + "' or lies inside (or around) it; save the states elsewhere");
    }
  }

  /** The qualified input path up to its first glob character, ending in '/'. */
  private String inputBase() {
    try {
      Path in = new Path(spec.input());
      FileSystem fs = in.getFileSystem(spark.sparkContext().hadoopConfiguration());
      String base = fs.makeQualified(in).toString().replaceAll("[*?\\[{].*$", "");
      return base.endsWith("/") ? base : base + "/";
    } catch (IOException e) {
      throw new UsageException("--input '" + spec.input() + "' is not a usable path: " + e.getMessage(), e);
    }
  }

  /**
   * The quarantine directory is written in mode overwrite (and the report is swapped in whole), so it must
   * not be, hold or lie inside the input or the report's output.
   */
  private void checkQuarantineApart(Path output) {
    if (spec.invalid().kind() != InvalidPolicy.Kind.QUARANTINE) {
      return;
    }
    String q = spec.invalid().quarantinePath();
    String path;
    try {
      Path p = new Path(q);
      path = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p) + "/";
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--invalid quarantine path '" + q + "' is not a usable path: " + e.getMessage(), e);
    }
    String out = output.toString() + "/";
    String in = spec.input() == null ? null : inputBase();
    if (path.startsWith(out) || out.startsWith(path) || (in != null && (path.startsWith(in) || in.startsWith(path)))) {
      throw new UsageException("--invalid quarantine path '" + q + "' is the input or the output, or lies inside"
          + " (or around) one of them (input '" + spec.inputDescription() + "', output '" + spec.output()
          + "'); write the invalid rows elsewhere");
    }
  }


  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }

}
