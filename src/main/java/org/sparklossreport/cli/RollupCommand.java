package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.sparklossreport.api.HistoryOptions;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.api.Rollup;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.spec.RollupSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rollup}: a report from saved states ({@code --states} of earlier runs), reading no predictions. */
@Command(name = "rollup", header = "a report from the states earlier runs saved (--states), reading no predictions",
    customSynopsis = "submit/loss-report rollup --states PATH --output PATH [options]",
    description = {"Computes a report from saved states alone (written by a run with --states), reading no",
        "predictions: e.g. a weekly report from seven nightly runs' states. Values equal a direct run over",
        "the union of the inputs (states are merged, never finished values averaged)."},
    exitCodeList = {"0:done",
        "3:done, report written, a gate failed ('gate failed:' lines)",
        "2:usage, a loss the states lack, a state format this release does not read, or states of two specs"
            + " under one name (one 'error:' line)",
        "1:anything else"},
    footer = {"  Weekly per model, from nightly states by date,model,segment:",
        "  submit/loss-report rollup --states states/ --where \"date BETWEEN '2026-11-23' AND '2026-11-29'\" \\",
        "    --grouping-sets \"model;overall\" --output reports/weekly",
        "See docs/STATES.md."})
public final class RollupCommand extends OptionsCommand implements Commands.Notes {
  // The options, in the order of JobOptions.ROLLUP_OPTIONS.
  @Option(names = "--states", paramLabel = "PATH", description = "the states table (Parquet, or Delta: detected)")
  String states;
  @Option(names = "--where", paramLabel = "SQL", description = "optional filter on the states' key columns, e.g. \"date >= '2026-11-23'\"")
  String where;
  @Option(names = "--grouping-sets", paramLabel = "S1;S2", description = "groupings to report, each a comma-separated subset of the states' keys or the word overall, e.g. \"date,model;model;overall\" (default: every key, then overall)")
  String groupingSets;
  @Option(names = "--losses", paramLabel = "SPEC,...", description = "the losses to report, a subset of those the states hold (default: all of them); a composite NAME=W*SPEC+... is recomputed from its heads' states")
  String losses;
  @Option(names = "--ci", paramLabel = "METHOD", description = "jackknife: intervals from the buckets the states carry (saved by a run with --ci), or none")
  String ci;
  @Option(names = "--ci-level", paramLabel = "L", description = "two-sided level of the interval, in (0, 1) (default 0.95)")
  String ciLevel;
  @Option(names = "--compare-by", paramLabel = "COL", description = "a key of the states whose values are compared with --baseline: adds baseline_value, delta = value - baseline_value, and with --ci its std error and interval")
  String compareBy;
  @Option(names = "--baseline", paramLabel = "VALUE", description = "the --compare-by value of the baseline, e.g. --compare-by model --baseline prod")
  String baseline;
  @Mixin
  HistoryFlags history = new HistoryFlags();
  @Option(names = "--fail-if", paramLabel = "COND", description = "a gate, repeatable: [GROUPING:] [FIELD(]LOSS[)] OP NUMBER, e.g. \"mse > 0.25\"; exit 3 when one fails (the report is written)")
  List<String> failIf;
  @Option(names = "--gates-output", paramLabel = "FILE", description = "write every gate's outcome as JSON to FILE (for the scheduler)")
  String gatesOutput;
  @Option(names = "--output", paramLabel = "PATH", description = "report destination (a directory)")
  String output;
  @Option(names = "--output-format", paramLabel = "FMT", description = "parquet (default), csv (with header), json, delta (a Delta Lake table)")
  String outputFormat;
  @Option(names = "--mode", paramLabel = "MODE", description = "overwrite (default: replaces the rows of the keys and losses this run computes, keeps the rest), append, error-if-exists")
  String mode;
  @Mixin
  SparkOptions spark = new SparkOptions();
  @Option(names = "--html", paramLabel = "FILE", description = "also write a self-contained HTML report of what this run wrote to FILE; see docs/REPORT.md")
  String html;
  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;

  public RollupCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  /** Runs the rollup of the options set; returns 0, or 3 when a gate failed. */
  @Override
  int run(Map<String, Object> cli) throws Exception {
    RollupSpec spec = JobOptions.toRollupSpec(cli);
    HistorySpec history = HistoryOptions.history(cli, null);
    String htmlFile = JobOptions.htmlFile(cli);
    HtmlOutput.check(htmlFile, spec.output());
    String statesFormat = Rollup.isDelta(spec.states()) ? "delta" : "parquet";
    return Main.onSession(spec.master(), statesFormat, spec.outputFormat(), spec.sparkConf(), spark ->
        Summary.report(spark, new Rollup(spark, spec).withHistory(history).run(), htmlFile, spec.outputFormat(),
            "states " + spec.states(), spec.gatesOutput(), history, out, err));
  }

  @Override
  public String notes() {
    return "Comparisons (--compare-by, with --ci) are paired when every state's buckets were hashed from one\n"
        + "  --id-column (the states' bucket_by column says so), else unpaired.\n";
  }
}
