package org.sparklossreport.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.history.HistoryBands;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.history.HistorySummary;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.output.ReportReader;
import org.sparklossreport.report.RunResult;

/**
 * A run's history ({@code --history-by}) on the job's or a rollup's side: its rows banded against the
 * earlier rows of its own output (read back as a report; the predictions are not read again) before they
 * are written, so the bands land in the same commit as the values; then the gates on {@code z} and
 * {@code anomaly} over the rows it wrote.
 */
public final class JobHistory {
  private JobHistory() {}

  /**
   * Checks before anything is read that each history gate names a loss of {@code losses} (the run's loss
   * specs; {@code all} or a composite cannot be checked before the schema is read, and are not).
   */
  static void check(HistorySpec history, List<String> losses) {
    if (history == null) {
      return;
    }
    List<String> canonical = new ArrayList<>();
    for (String l : losses) {
      try {
        canonical.add(Losses.parse(l).canonical());
      } catch (RuntimeException e) {
        return; // "all", or a form this check does not know: the gate is then checked on the report
      }
    }
    for (Gate g : history.gates()) {
      if (canonical.stream().noneMatch(c -> g.loss().equals(c) || g.loss().startsWith(c + "."))) {
        throw new UsageException("--fail-if '" + g.condition() + "': loss " + g.loss() + " is not in this run's"
            + " report (its losses: " + String.join(", ", canonical) + ")");
      }
    }
  }

  /**
   * Checks a history against a run whose key columns {@code keys} and report loss names {@code names} are
   * known (a rollup's, from its states): the history column is a key, each gate's loss a report loss.
   */
  static void checkNames(HistorySpec history, List<String> keys, List<String> names) {
    if (history == null) {
      return;
    }
    HistoryBands.column(keys, history.column());
    for (Gate g : history.gates()) {
      if (!names.contains(g.loss())) {
        throw new UsageException("--fail-if '" + g.condition() + "': loss " + g.loss() + " is not in this run's"
            + " report (its losses: " + String.join(", ", names) + ")");
      }
    }
  }

  /**
   * {@code rows} (key columns {@code keys}) banded against the report at {@code output} ({@code format}),
   * if there is one yet; unchanged without a history.
   */
  static Dataset<Row> banded(SparkSession spark, Dataset<Row> rows, List<String> keys, Path output, String format,
      HistorySpec history) {
    if (history == null) {
      return rows;
    }
    Dataset<Row> earlier = null;
    try {
      if (output.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(output)) {
        // Parquet and Delta keep the report's types: read as they are (ReportReader's ordering of the key
        // columns is a Spark job over every row, which the bands, joined by name, do not need)
        earlier = format.equals("parquet") || format.equals("delta") ? spark.read().format(format).load(output.toString())
            : ReportReader.read(spark, output.toString(), format, null);
      }
    } catch (IOException e) {
      throw new UsageException("--output '" + output + "' cannot be read for its history: " + e.getMessage(), e);
    }
    return HistoryBands.annotate(rows, earlier, keys, history);
  }

  /** The rows run {@code r} wrote to its output ({@code format}), read back. */
  public static Dataset<Row> written(SparkSession spark, RunResult r, String format) {
    return ReportReader.read(spark, r.output(), format, null).where(functions.col("run_id").equalTo(r.runId()));
  }

  /** {@code r} with the outcome of the history's gates over the rows it wrote (one Spark job). */
  static RunResult gated(SparkSession spark, RunResult r, String format, HistorySpec history) {
    if (history == null || history.gates().isEmpty()) {
      return r;
    }
    List<GateOutcome> gates = new ArrayList<>(r.gates());
    gates.addAll(GateEvaluator.evaluate(written(spark, r, format), history.gates()));
    return new RunResult(r.runId(), r.output(), r.inputRows(), r.reportRows(), r.preview(), r.schema(), r.keys(),
        gates);
  }

  /** What the history of run {@code r} found, from the rows it wrote. */
  public static HistorySummary summary(SparkSession spark, RunResult r, String format, HistorySpec history) {
    Dataset<Row> rows = written(spark, r, format);
    List<String> names = List.of(rows.columns());
    return HistorySummary.of(rows, names.subList(0, names.indexOf("grouping")), history);
  }
}
