package org.sparklossreport.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.report.JobReport;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;

/**
 * The loss report of a DataFrame in one pass, returned as a DataFrame and written nowhere: the job's
 * planner, engines, groupings, intervals and comparisons, for notebooks and code. Each method returns a new,
 * immutable builder; options are those of the command line and are checked as it checks them.
 *
 * <pre>{@code
 * Dataset<Row> report = LossReport.of(predictions)
 *     .partitionBy("date", "model")
 *     .losses("mse", "huber(delta=1.5)")
 *     .ci(20, 0.95).idColumn("example_id")
 *     .compareBy("model", "prod")
 *     .compute();
 * List<GateOutcome> gates = GateEvaluator.evaluate(report, List.of(Gate.parse("delta_ci_low(mse) > 0")));
 * }</pre>
 *
 * <p>The result has the report's columns ({@code docs}: README, "The report"); it is computed when
 * {@link #compute} returns (a local checkpoint), so it no longer depends on the pass's cached states.
 * Invalid rows fail the computation with a {@link UsageException} naming them unless
 * {@code invalid("skip")} counts them.
 */
public final class LossReport {
  private final Dataset<Row> df;
  private final Map<String, Object> options;

  private LossReport(Dataset<Row> df, Map<String, Object> options) {
    this.df = df;
    this.options = Map.copyOf(options);
  }

  /** A report of {@code df} (columns {@code label} and {@code prediction} unless told otherwise). */
  public static LossReport of(Dataset<Row> df) {
    return new LossReport(df, Map.of());
  }

  /**
   * A report of {@code df} with options by the job's names ({@code partition-by}, {@code ci-buckets}, ...;
   * values as on the command line), as SQL's {@code loss_report} gives them: checked by {@link #schema}
   * and {@link #compute} as the command line's are.
   */
  public static LossReport of(Dataset<Row> df, Map<String, ?> options) {
    return new LossReport(df, new LinkedHashMap<>(options));
  }

  private LossReport with(String option, Object value) {
    Map<String, Object> o = new LinkedHashMap<>(options);
    o.put(option, value);
    return new LossReport(df, o);
  }

  /** The label column (default {@code label}). */
  public LossReport label(String column) {
    return with("label", column);
  }

  /** The prediction column (default {@code prediction}). */
  public LossReport prediction(String column) {
    return with("prediction", column);
  }

  /** The weight column (default: none, every row weighs 1). */
  public LossReport weight(String column) {
    return with("weight", column);
  }

  /** The key columns: one report row per key and loss, plus the overall rows. */
  public LossReport partitionBy(String... columns) {
    return with("partition-by", List.of(columns));
  }

  /** The losses, as specs ({@code "huber(delta=1.5)"}) or {@code "all"}. */
  public LossReport losses(String... specs) {
    return with("losses", new ArrayList<>(Arrays.asList(specs)));
  }

  /** The groupings, e.g. {@code "date,model;model;overall"} (default: every key, then overall). */
  public LossReport groupingSets(String sets) {
    return with("grouping-sets", sets);
  }

  /** A filter, also recorded in the report's {@code scope} column. */
  public LossReport where(String sql) {
    return with("where", sql);
  }

  /** Jackknife intervals over {@code buckets} buckets at two-sided level {@code level}. */
  public LossReport ci(int buckets, double level) {
    return with("ci", "jackknife").with("ci-buckets", String.valueOf(buckets)).with("ci-level", String.valueOf(level));
  }

  /** The example id whose hash picks a row's bucket: comparisons are then paired. */
  public LossReport idColumn(String column) {
    return with("id-column", column);
  }

  /** Compares every {@code column} value's rows with those of {@code baseline}. */
  public LossReport compareBy(String column, String baseline) {
    return with("compare-by", column).with("baseline", baseline);
  }

  /** {@code fail} (default) or {@code skip}; a DataFrame report writes nothing, so no quarantine. */
  public LossReport invalid(String policy) {
    checkInvalid(policy);
    return with("invalid", policy);
  }

  private static void checkInvalid(String policy) {
    if (policy != null && InvalidPolicy.parse(policy).kind() == InvalidPolicy.Kind.QUARANTINE) {
      throw new UsageException("invalid: a report returned as a DataFrame (LossReport, loss_report) writes"
          + " nothing, so it cannot quarantine rows; use fail or skip,"
          + " or the job's --invalid 'quarantine PATH'");
    }
  }

  /** The options as the command line would give them (for messages and tests). */
  public Map<String, Object> options() {
    return options;
  }

  /**
   * Computes the report: one pass over the DataFrame, on the session's engines; a {@link UsageException}
   * names an option, column, loss or key at fault (before the data is read) or invalid rows under
   * {@code fail}.
   */
  public Dataset<Row> compute() {
    JobSpec spec = spec();
    LossReportJob job = new LossReportJob(df.sparkSession(), spec);
    try (JobReport c = job.compute(input(spec), System.nanoTime())) {
      return c.rows().localCheckpoint(true);
    }
  }

  /**
   * The report's columns, from the options and the DataFrame's schema alone (no Spark job, nothing read):
   * a {@link UsageException} names an option, column, loss or key at fault, as {@link #compute} would.
   */
  public StructType schema() {
    JobSpec spec = spec();
    return new LossReportJob(df.sparkSession(), spec).plan(input(spec)).schema();
  }

  private JobSpec spec() {
    JobSpec spec = JobOptions.build(new LinkedHashMap<>(options), true);
    checkInvalid(OptionValues.text(options, "invalid"));
    return spec;
  }

  /** The DataFrame, filtered by the option {@code where} (checked now). */
  private Dataset<Row> input(JobSpec spec) {
    Dataset<Row> input = df;
    if (spec.where() != null) {
      try {
        input = df.where(spec.where());
        input.queryExecution().analyzed();
      } catch (Exception e) { // Scala throws AnalysisException unchecked
        if (e instanceof AnalysisException) {
          throw new UsageException("where \"" + spec.where() + "\": " + Messages.firstLine(e.getMessage()), e);
        }
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
    }
    return input;
  }
}
