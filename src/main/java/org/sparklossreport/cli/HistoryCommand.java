package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparklossreport.api.HistoryOptions;
import org.sparklossreport.api.ReportHistory;
import org.sparklossreport.history.ReportHistorySpec;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.output.ReportReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code history}: the bands of the newest value of a key column of an existing report, against its earlier rows. */
@Command(name = "history", header = "bands the newest night of an existing report against its earlier nights",
    customSynopsis = "submit/loss-report history --report PATH --history-by COL [options]",
    description = {"Reads an existing report (parquet, delta, json, csv), takes the newest value of --history-by",
        "(e.g. the newest date) and bands each of its rows against the earlier rows of the same grouping,",
        "other keys and loss: expected, band_low, band_high, band_method, history_n, z, anomaly. Prints the",
        "anomalies worst first; writes the banded rows to --output when given (the report itself too)."},
    exitCodeList = {"0:done",
        "3:done, a gate failed ('gate failed:' lines)",
        "2:usage, a report that cannot be read, a --history-by that is not one of its key columns (one 'error:' line)",
        "1:anything else"},
    footer = {"  submit/loss-report history --report reports/nightly --history-by date --band seasonal \\",
        "    --fail-if \"anomaly(mse) > 0\" --html history.html",
        "See docs/HISTORY.md."})
public final class HistoryCommand extends OptionsCommand {
  // The options, in the order of HistoryOptions.COMMAND_OPTIONS.
  @Option(names = "--report", paramLabel = "PATH", description = "the report: a directory written by the job or rollup (parquet, json, csv) or a Delta table")
  String report;
  @Option(names = "--report-format", paramLabel = "FMT", description = "parquet, delta, json or csv (default: detected)")
  String reportFormat;
  @Option(names = "--where", paramLabel = "SQL", description = "optional filter on the report's rows first, e.g. \"loss = 'mse'\" or \"date <= '2026-11-24'\" (the newest date left is banded)")
  String where;
  @Mixin
  HistoryFlags history = new HistoryFlags();
  @Option(names = "--fail-if", paramLabel = "COND", description = "a gate on the banded rows, repeatable, e.g. \"z(mse) > 4\", \"anomaly(mse) > 0\", \"overall: value(mse) > 0.3\"; exit 3 when one fails")
  List<String> failIf;
  @Option(names = "--gates-output", paramLabel = "FILE", description = "write every gate's outcome as JSON to FILE")
  String gatesOutput;
  @Option(names = "--output", paramLabel = "PATH", description = "write the banded rows there (default: print only); may be the --report itself")
  String output;
  @Option(names = "--output-format", paramLabel = "FMT", description = "parquet (default), csv, json, delta")
  String outputFormat;
  @Option(names = "--mode", paramLabel = "MODE", description = "overwrite (default: replaces the rows of the same identity), append, error-if-exists")
  String mode;
  @Option(names = "--html", paramLabel = "FILE", description = "an HTML page of the history: trends with their bands, the anomalies listed")
  String html;
  @Mixin
  SparkOptions spark = new SparkOptions();
  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;

  public HistoryCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  /** Bands the report of the options set; returns 0, or 3 when a gate failed. */
  @Override
  int run(Map<String, Object> cli) throws Exception {
    ReportHistorySpec spec = HistoryOptions.toCommandSpec(cli);
    HtmlOutput.check(spec.html(), spec.output());
    String format = spec.reportFormat() != null ? spec.reportFormat() : ReportReader.detect(spec.report());
    return Main.onSession(spec.master(), format, spec.outputFormat(), spec.sparkConf(), spark -> {
      ReportHistory.Outcome o = new ReportHistory(spark, spec).run(out);
      out.printf(Locale.ROOT, "history of %s: %s = %s, %d row(s)%s%n", spec.report(), spec.history().column(),
          o.newest(), o.result().reportRows(), o.result().output() == null ? "" : " -> " + o.result().output());
      o.summary().print(out);
      return Summary.verdict(o.result(), spec.gatesOutput(), err);
    });
  }
}
