package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.html.RunSummary;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.output.ReportReader;
import org.sparklossreport.spec.HtmlSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code html} subcommand: the HTML page of an existing report. */
@Command(name = "html", header = "renders an existing report as one self-contained HTML file",
    customSynopsis = "submit/loss-report html --report PATH [--report-format FMT] [--where SQL] --html FILE",
    description = {"Renders an existing report (written by the job or rollup) as one self-contained HTML file: run",
        "summary, per loss the value per key (with intervals), the trend over a date key, deltas against",
        "the baseline, and a sortable, filterable table. No network is needed to open it."},
    exitCodeList = {"0:done",
        "2:usage, a report that cannot be read or is not a loss report (one 'error:' line)",
        "1:anything else"},
    footer = {"  submit/loss-report html --report reports/nightly --where \"date >= '2026-11-01'\" \\",
        "    --html nightly.html"})
public final class HtmlCommand extends OptionsCommand implements Commands.Notes {
  // The options, in the order of JobOptions.HTML_OPTIONS.
  @Option(names = "--report", paramLabel = "PATH", description = "the report: a directory written by the job (parquet, json, csv) or a Delta table")
  String report;
  @Option(names = "--report-format", paramLabel = "FMT", description = "parquet, delta, json or csv (default: delta when it has _delta_log, else by its files' extension)")
  String reportFormat;
  @Option(names = "--where", paramLabel = "SQL", description = "optional filter on the report's columns, e.g. \"date >= '2026-11-01'\" or \"loss = 'mse'\"")
  String where;
  @Option(names = "--html", paramLabel = "FILE", description = "the HTML file to write (replaced atomically)")
  String html;
  @Mixin
  SparkOptions spark = new SparkOptions();
  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;

  public HtmlCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  /** Renders the report of the options set; returns 0. */
  @Override
  int run(Map<String, Object> cli) throws Exception {
    HtmlSpec spec = JobOptions.toHtmlSpec(cli);
    HtmlOutput.check(spec.html(), spec.report());
    String format = spec.reportFormat() != null ? spec.reportFormat() : ReportReader.detect(spec.report());
    SparkSession spark = Main.session(spec.master(), format, "parquet", spec.sparkConf());
    Dataset<Row> rows = ReportReader.read(spark, spec.report(), format, spec.where());
    HtmlOutput.render(spec.html(), rows, new RunSummary(null, spec.report() + " (" + format + ")", null, spec.where()),
        List.of(), out);
    return 0;
  }

  @Override
  public String notes() {
    return "Bounds: per loss the 25 highest and 25 lowest keys, the first 5,000 table rows; the page says what it\n"
        + "  leaves out. See docs/REPORT.md.\n";
  }
}
