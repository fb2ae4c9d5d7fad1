package org.sparklossreport.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.html.RunSummary;
import org.sparklossreport.output.Delta;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.output.ReportReader;
import org.sparklossreport.spec.HtmlSpec;

/** The {@code html} subcommand: the HTML page of an existing report. */
final class HtmlCommand {
  private HtmlCommand() {}

  /** The {@code html} command: renders an existing report. */
  public static int run(Map<String, Object> cli, PrintStream out) throws IOException {
    if (cli.containsKey("help")) {
      out.print(JobOptions.htmlHelp());
      return 0;
    }
    HtmlSpec spec = JobOptions.toHtmlSpec(cli);
    HtmlOutput.check(spec.html(), spec.report());
    String format = spec.reportFormat() != null ? spec.reportFormat() : ReportReader.detect(spec.report());
    boolean existing = SparkSession.getActiveSession().isDefined();
    String running = existing ? SparkSession.getActiveSession().get().conf().get(Delta.EXTENSIONS, "") : null;
    SparkSession spark = Main.session(spec.master(), Delta.sessionConf(format, "parquet", spec.sparkConf(), running));
    Dataset<Row> rows = ReportReader.read(spark, spec.report(), format, spec.where());
    HtmlOutput.render(spec.html(), rows, new RunSummary(null, spec.report() + " (" + format + ")", null, spec.where()), List.of(), out);
    return 0;
  }
}
