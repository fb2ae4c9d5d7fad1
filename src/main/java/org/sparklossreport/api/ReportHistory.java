package org.sparklossreport.api;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.history.HistoryBands;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.history.HistorySummary;
import org.sparklossreport.history.ReportHistorySpec;
import org.sparklossreport.html.RunSummary;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.output.ReportReader;
import org.sparklossreport.output.ReportWriter;
import org.sparklossreport.report.KeySummary;
import org.sparklossreport.report.RunResult;

/**
 * The {@code history} command: an existing report (any output format) read back, its rows of the newest
 * value of the history column banded against its earlier rows ({@link HistoryBands}), the gates on
 * {@code z} and {@code anomaly} evaluated, and the banded rows written to {@code --output} when given (the
 * report itself, too: its newest rows are then replaced by their banded selves, by identity).
 */
public final class ReportHistory {
  private final SparkSession spark;
  private final ReportHistorySpec spec;
  private final String runId = LossReportJob.runIdAt(Instant.now());

  /** What the command found: the result (rows, gates) and the history's summary; {@code newest} the value banded. */
  public record Outcome(RunResult result, HistorySummary summary, Object newest) {}

  public ReportHistory(SparkSession spark, ReportHistorySpec spec) {
    this.spark = spark;
    this.spec = spec;
  }

  /** Runs the command; throws {@link UsageException} for the user's mistakes. */
  public Outcome run(PrintStream out) throws IOException {
    HistorySpec history = spec.history();
    String format = spec.reportFormat() != null ? spec.reportFormat() : ReportReader.detect(spec.report());
    ReportWriter writer = spec.output() == null ? null
        : ReportWriter.of(spark, spec.output(), spec.outputFormat(), runId);
    if (writer != null) {
      writer.prepare(spec.mode());
    }
    Dataset<Row> all = ReportReader.read(spark, spec.report(), format, spec.where());
    List<String> names = List.of(all.columns());
    List<String> keys = names.subList(0, names.indexOf("grouping"));
    String column = HistoryBands.column(keys, history.column());
    JobHistory.checkNames(history, keys, all.select("loss").distinct().as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList());
    Column t = all.col(ColumnTypes.quote(column));
    Object newest = all.agg(functions.max(t)).first().get(0);
    if (newest == null) {
      throw new UsageException("--report '" + spec.report() + "' has no row with a value of " + column
          + (spec.where() == null ? "" : " under --where \"" + spec.where() + "\"") + ": there is no newest value to band");
    }
    Dataset<Row> banded = HistoryBands.annotate(all.where(t.equalTo(functions.lit(newest))),
        all.where(t.lt(functions.lit(newest))), keys, history).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long rows = banded.count();
      if (writer != null) {
        writer.write(banded, spec.mode(), keys);
      }
      List<GateOutcome> gates = GateEvaluator.evaluate(banded, history.gates());
      HistorySummary summary = HistorySummary.of(banded, keys, history);
      if (spec.html() != null) {
        Dataset<Row> page = all.where(t.lt(functions.lit(newest))).unionByName(banded, true);
        HtmlOutput.render(spec.html(), page, new RunSummary(null, spec.report() + " (" + format + ")", null,
            spec.where()), gates, out);
      }
      List<Row> preview = banded.limit(KeySummary.SAMPLE).collectAsList();
      RunResult result = new RunResult(runId, writer == null ? null : writer.output().toString(), -1, rows, preview,
          banded.schema(), rows, gates);
      return new Outcome(result, summary, newest);
    } finally {
      banded.unpersist();
    }
  }
}
