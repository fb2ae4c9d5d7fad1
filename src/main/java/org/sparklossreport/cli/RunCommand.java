package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.sparklossreport.api.HistoryOptions;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.api.LossReportJob;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.spec.JobSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}, the default command: the batch job. Its options are every option of the job
 * ({@link JobOptions#NAMES}, in that order), read from a job file ({@code --config}) under the command line
 * by {@link JobOptions#toSpec}; {@code --demo} runs {@link Demo} instead.
 */
@Command(name = "run", header = "the batch job (the default command): computes the report of a prediction table",
    customSynopsis = "submit/loss-report [run] [options]",
    description = {"Computes loss functions over a prediction table in one pass and writes a long-format report",
        "(one row per key, grouping and loss) with rows, invalid_rows and weight_sum beside each value."},
    exitCodeList = {"0:done",
        "3:done, report written, a gate failed ('gate failed:' lines)",
        "2:usage, configuration, schema or invalid input (one 'error:' line)",
        "1:anything else (also: another run held the output too long). A failed run leaves no partial report"
            + " behind."},
    footer = {"  submit/loss-report --demo",
        "  submit/loss-report --input preds/ --partition-by date,model --losses mse,mae,r2 --output report/",
        "  submit/loss-report run --config conf/regression.yaml --where \"date = '2026-11-24'\""})
public final class RunCommand extends OptionsCommand implements Commands.Notes {
  // The options, in the order of JobOptions.NAMES (the help lists them so).
  @Option(names = "--config", paramLabel = "FILE", description = "a job file (YAML, see conf/); command-line options override its entries")
  String config;
  @Option(names = "--input", paramLabel = "PATH", description = "prediction table: a file, directory or glob")
  String input;
  @Option(names = "--table", paramLabel = "NAME", description = "a catalog table instead of --input")
  String table;
  @Option(names = "--input-format", paramLabel = "FMT", description = "parquet (default), csv (header; schema inferred or --input-schema), json, orc, delta")
  String inputFormat;
  @Option(names = "--input-version", paramLabel = "N", description = "delta input: read the table as of version N (time travel)")
  String inputVersion;
  @Option(names = "--input-timestamp", paramLabel = "T", description = "delta input: read the table as of time T, e.g. \"2026-11-24 06:00:00\"")
  String inputTimestamp;
  @Option(names = "--input-schema", paramLabel = "DDL", description = "schema for csv/json input, e.g. \"y DOUBLE, p DOUBLE, date STRING\"")
  String inputSchema;
  @Option(names = "--where", paramLabel = "SQL", description = "optional filter, e.g. \"date = '2026-11-24'\"")
  String where;
  @Option(names = "--label", paramLabel = "COL", description = "label column (default: label)")
  String label;
  @Option(names = "--prediction", paramLabel = "COL", description = "prediction column (default: prediction)")
  String prediction;
  @Option(names = "--weight", paramLabel = "COL", description = "weight column (default: none, every row weighs 1)")
  String weight;
  @Option(names = "--partition-by", paramLabel = "C1,C2", description = "key columns: one report row per key and loss, plus the overall row")
  String partitionBy;
  @Option(names = "--losses", paramLabel = "SPEC,...", description = "e.g. \"mse,mae,huber(delta=1.5),log_loss(epsilon=1e-7)\"; all = every loss whose inputs exist;"
      + " a weighted total of heads with their own columns: \"total=0.7*binary_cross_entropy(label=click,"
      + "prediction=p_click)+0.3*mse(label=dwell,prediction=p_dwell)\"")
  String losses;
  @Option(names = "--grouping-sets", paramLabel = "S1;S2", description = "groupings to report, each a comma-separated subset of --partition-by or the word overall, e.g. \"date,model;model;overall\" (default: every key, then overall); all from the one pass")
  String groupingSets;
  @Option(names = "--ci", paramLabel = "METHOD", description = "confidence intervals per report row: jackknife, or none (default); adds std_error, ci_low, ci_high")
  String ci;
  @Option(names = "--ci-buckets", paramLabel = "B", description = "jackknife buckets, 2..1000 (default 20)")
  String ciBuckets;
  @Option(names = "--ci-level", paramLabel = "L", description = "two-sided level of the interval, in (0, 1) (default 0.95)")
  String ciLevel;
  @Option(names = "--id-column", paramLabel = "COL", description = "example id: a row's jackknife bucket is a hash of it (default: of the row's input values); equal ids across models pair their comparison")
  String idColumn;
  @Option(names = "--compare-by", paramLabel = "COL", description = "a --partition-by key whose values are compared with --baseline: adds baseline_value, delta = value - baseline_value, and with --ci its std error and interval (paired with --id-column)")
  String compareBy;
  @Option(names = "--baseline", paramLabel = "VALUE", description = "the --compare-by value of the baseline, e.g. --compare-by model --baseline prod")
  String baseline;
  @Mixin
  HistoryFlags history = new HistoryFlags();
  @Option(names = "--fail-if", paramLabel = "COND", description = "a gate, repeatable: [GROUPING:] [FIELD(]LOSS[)] OP NUMBER, e.g. \"mse > 0.25\", \"overall: ci_low(mse) > 0.25\", \"delta_ci_low(log_loss) > 0\"; exit 3 when one fails (the report is written)")
  List<String> failIf;
  @Option(names = "--gates-output", paramLabel = "FILE", description = "write every gate's outcome as JSON to FILE (for the scheduler)")
  String gatesOutput;
  @Option(names = "--html", paramLabel = "FILE", description = "also write a self-contained HTML report (charts, gates, table; opens offline) of what this run wrote to FILE; see docs/REPORT.md")
  String html;
  @Option(names = "--report", paramLabel = "PATH", description = "html command: the existing report to render")
  String report;
  @Option(names = "--report-format", paramLabel = "FMT", description = "html command: parquet, delta, json or csv (default: detected)")
  String reportFormat;
  @Option(names = "--output", paramLabel = "PATH", description = "report destination (a directory)")
  String output;
  @Option(names = "--output-format", paramLabel = "FMT", description = "parquet (default), csv (with header), json, delta (a Delta Lake table)")
  String outputFormat;
  @Option(names = "--states", paramLabel = "PATH", description = "also save this run's mergeable states per finest key and loss there (same format, identity and modes as the report; see docs/STATES.md and the rollup command)")
  String states;
  @Option(names = "--mode", paramLabel = "MODE", description = "overwrite (default: replaces the rows of the keys and losses this run computes, keeps the rest), append, error-if-exists")
  String mode;
  @Option(names = "--invalid", paramLabel = "POLICY", description = "fail (default), skip (count them), 'quarantine PATH' (skip, and write the bad rows to PATH)")
  String invalid;
  @Mixin
  SparkOptions spark = new SparkOptions();
  @Option(names = "--demo", arity = "0", description = "generate a synthetic prediction table and report every loss on it (see --demo-rows, --demo-dir; the same as the demo command)")
  boolean demo;
  @Option(names = "--demo-rows", paramLabel = "N", description = "rows of the demo table (default 1000000)")
  String demoRows;
  @Option(names = "--demo-dir", paramLabel = "DIR", description = "scratch folder of the demo (default target/demo)")
  String demoDir;
  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;
  @Option(names = "--version", versionHelp = true, description = "print the version")
  boolean version;

  /** A command that prints to {@code out} (the summary) and {@code err} (failed gates). */
  public RunCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  /**
   * Runs the job of the options set (a job file's under them), or the demo with {@code --demo}; returns the
   * exit code of a finished run (0, or 3 when a gate failed). Throws what the run threw (a
   * {@link org.sparklossreport.core.UsageException} for the user's mistakes); {@link Main#run} maps it to
   * its exit code.
   */
  @Override
  int run(Map<String, Object> cli) throws Exception {
    if (demo) {
      return Demo.run(cli, out);
    }
    JobSpec spec = JobOptions.toSpec(cli);
    HistorySpec history = HistoryOptions.ofJob(cli);
    String htmlFile = JobOptions.htmlFile(cli);
    HtmlOutput.check(htmlFile, spec.output());
    return Main.onSession(spec.master(), spec.inputFormat(), spec.outputFormat(), spec.sparkConf(), spark ->
        Summary.report(spark, new LossReportJob(spark, spec).withHistory(history).run(), htmlFile,
            spec.outputFormat(), spec.inputDescription(), spec.gatesOutput(), history, out, err));
  }

  /** {@code line} in lines of at most 98 characters, the second and later indented by two. */
  private static String wrap(String line) {
    StringBuilder b = new StringBuilder();
    int start = 0;
    for (String word : line.split(" ")) {
      if (b.length() - start + word.length() + 1 > 98) {
        b.append("\n ");
        start = b.length() - 2;
      }
      b.append(b.length() == 0 ? "" : " ").append(word);
    }
    return b.toString();
  }

  @Override
  public String notes() {
    return String.join("\n",
        wrap("Losses: " + String.join(", ", Losses.names())),
        "  A loss takes parameters in parentheses, and may name its own columns:",
        "  \"huber(delta=1.5)\", \"log_loss(label=class,prediction=probs)\", \"mse(reduction=sum)\".",
        "  See docs/LOSSES.md for formulas, inputs and options.",
        "",
        "Job file: --config FILE reads the options from YAML (see conf/), named without the dashes",
        "  (partition_by: [date, model]); an option on the command line overrides the file's entry, --conf",
        "  settings are added to the file's conf mapping.",
        "",
        "Engine: --conf spark.lossreport.engine=auto (default) picks columnar for scalar losses over a",
        "  Parquet or ORC input without --where, else compiled (every loss, every input); aggregator",
        "  is the public Aggregator. With hundreds of thousands of keys spread over every input",
        "  partition, compiled is faster than columnar. See docs/PERFORMANCE.md.",
        "",
        "Report: a row's identity is (grouping, key values, loss); overwrite replaces the rows whose",
        "  identity this run computes and keeps every other row; the scope column holds --where.",
        "  Concurrent runs on one output commit one after the other (a lock file beside file outputs,",
        "  Delta's commit protocol for delta): rows of both land; for the same identity the later wins.",
        "",
        "Comparison: --compare-by model --baseline prod fills baseline_value and delta = value -",
        "  baseline_value on every other model's rows (same grouping and other keys); with --ci also",
        "  delta_std_error, delta_ci_low, delta_ci_high: paired bucket by bucket with --id-column (the",
        "  models scored the same examples), else unpaired (independent errors added).",
        "",
        "Gates: --fail-if \"[GROUPING:] [FIELD(]LOSS[)] OP NUMBER\", FIELD one of value (default), ci_low,",
        "  ci_high, delta, delta_ci_low, delta_ci_high; a gate fails when any row of LOSS (in GROUPING)",
        "  satisfies it; rows whose FIELD is null do not. Checked before the data is read. With",
        "  --history-by also z and anomaly (1 when true): \"z(mse) > 4\", \"anomaly(mse) > 0\".",
        "",
        "History: --history-by date bands each row of the newest date against the earlier rows of the",
        "  same output (the report is the history; the predictions are read once). Anomalous values stay",
        "  out of later history; a rerun of a night replaces its row, so a fixed night re-enters it. The",
        "  history command does the same for an existing report. See docs/HISTORY.md.",
        "");
  }
}
