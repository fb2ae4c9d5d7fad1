package org.sparklossreport.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.report.GroupingSets;
import org.sparklossreport.report.Verdicts;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.CompareSpec;
import org.sparklossreport.spec.HtmlSpec;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.RollupSpec;
import org.sparklossreport.spec.WriteMode;

/**
 * The job's command line and job files. Every option of {@code ../spec/job.md} has one entry here, with
 * its help text; a job file (YAML, see {@code conf/}) uses the same names without the dashes, and
 * command-line options override it.
 */
public final class JobOptions {
  private JobOptions() {}

  /** One option: its name, its argument (null for a flag), whether it repeats, and its help. */
  public record Option(String name, String arg, boolean repeatable, String help) {}

  public static final List<Option> OPTIONS = List.of(
      new Option("config", "FILE", false, "a job file (YAML, see conf/); command-line options override its entries"),
      new Option("input", "PATH", false, "prediction table: a file, directory or glob"),
      new Option("table", "NAME", false, "a catalog table instead of --input"),
      new Option("input-format", "FMT", false, "parquet (default), csv (header; schema inferred or --input-schema), json, orc, delta"),
      new Option("input-version", "N", false, "delta input: read the table as of version N (time travel)"),
      new Option("input-timestamp", "T", false, "delta input: read the table as of time T, e.g. \"2026-11-24 06:00:00\""),
      new Option("input-schema", "DDL", false, "schema for csv/json input, e.g. \"y DOUBLE, p DOUBLE, date STRING\""),
      new Option("where", "SQL", false, "optional filter, e.g. \"date = '2026-11-24'\""),
      new Option("label", "COL", false, "label column (default: label)"),
      new Option("prediction", "COL", false, "prediction column (default: prediction)"),
      new Option("weight", "COL", false, "weight column (default: none, every row weighs 1)"),
      new Option("partition-by", "C1,C2", false, "key columns: one report row per key and loss, plus the overall row"),
      new Option("losses", "SPEC,...", false, "e.g. \"mse,mae,huber(delta=1.5),log_loss(epsilon=1e-7)\"; all = every loss whose inputs exist"),
      new Option("grouping-sets", "S1;S2", false, "groupings to report, each a comma-separated subset of --partition-by or the word overall, e.g. \"date,model;model;overall\" (default: every key, then overall); all from the one pass"),
      new Option("ci", "METHOD", false, "confidence intervals per report row: jackknife, or none (default); adds std_error, ci_low, ci_high"),
      new Option("ci-buckets", "B", false, "jackknife buckets, 2..1000 (default 20)"),
      new Option("ci-level", "L", false, "two-sided level of the interval, in (0, 1) (default 0.95)"),
      new Option("id-column", "COL", false, "example id: a row's jackknife bucket is a hash of it (default: of the row's input values); equal ids across models pair their comparison"),
      new Option("compare-by", "COL", false, "a --partition-by key whose values are compared with --baseline: adds baseline_value, delta = value - baseline_value, and with --ci its std error and interval (paired with --id-column)"),
      new Option("baseline", "VALUE", false, "the --compare-by value of the baseline, e.g. --compare-by model --baseline prod"),
      new Option("fail-if", "COND", true, "a gate, repeatable: [GROUPING:] [FIELD(]LOSS[)] OP NUMBER, e.g. \"mse > 0.25\", \"overall: ci_low(mse) > 0.25\", \"delta_ci_low(log_loss) > 0\"; exit 3 when one fails (the report is written)"),
      new Option("gates-output", "FILE", false, "write every gate's outcome as JSON to FILE (for the scheduler)"),
      new Option("html", "FILE", false, "also write a self-contained HTML report (charts, gates, table; opens offline) of what this run wrote to FILE; see docs/REPORT.md"),
      new Option("report", "PATH", false, "html command: the existing report to render"),
      new Option("report-format", "FMT", false, "html command: parquet, delta, json or csv (default: detected)"),
      new Option("output", "PATH", false, "report destination (a directory)"),
      new Option("output-format", "FMT", false, "parquet (default), csv (with header), json, delta (a Delta Lake table)"),
      new Option("states", "PATH", false, "also save this run's mergeable states per finest key and loss there (same format, identity and modes as the report; see docs/STATES.md and the rollup command)"),
      new Option("mode", "MODE", false, "overwrite (default: replaces the rows of the keys and losses this run computes, keeps the rest), append, error-if-exists"),
      new Option("invalid", "POLICY", false, "fail (default), skip (count them), 'quarantine PATH' (skip, and write the bad rows to PATH)"),
      new Option("master", "URL", false, "Spark master when not under spark-submit (default local[*])"),
      new Option("conf", "KEY=VALUE", true, "extra Spark configuration, repeatable"),
      new Option("demo", null, false, "generate a synthetic prediction table and report every loss on it (see --demo-rows, --demo-dir)"),
      new Option("demo-rows", "N", false, "rows of the demo table (default 1000000)"),
      new Option("demo-dir", "DIR", false, "scratch folder of the demo (default target/demo)"),
      new Option("help", null, false, "print this help"),
      new Option("version", null, false, "print the version"));

  /** The options of a {@link LossReport}: what the pass computes, not what it reads or writes. */
  static final List<String> PASS_OPTIONS = List.of("where", "label", "prediction", "weight", "partition-by", "losses",
      "grouping-sets", "ci", "ci-buckets", "ci-level", "id-column", "compare-by", "baseline", "invalid");

  /** The commands besides the job itself: {@code rollup} (a report from saved states), {@code html} (render a report). */
  static final List<String> COMMANDS = List.of("rollup", "html");

  /** The options of {@code rollup}; the others are the job's alone. */
  static final List<String> ROLLUP_OPTIONS = List.of("states", "where", "grouping-sets", "losses", "ci",
      "ci-level", "compare-by", "baseline", "fail-if", "gates-output", "output", "output-format", "mode", "master",
      "conf", "html", "help");

  /** The options of {@code html}: render an existing report. */
  static final List<String> HTML_OPTIONS = List.of("report", "report-format", "where", "html", "master", "conf", "help");

  /** Parsed command line: option name to value (a list for repeatable options, "true" for flags). */
  public static Map<String, Object> parse(String[] args) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        if (COMMANDS.contains(a) && !out.containsKey("command")) {
          out.put("command", a);
          continue;
        }
        throw new UsageException("unexpected argument '" + a + "'; options start with -- (see --help)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option o = find(name);
      if (o.arg() == null) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        out.put(o.name(), "true");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value: --" + name + " " + o.arg());
        }
        value = args[++i];
      }
      if (o.repeatable()) {
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) out.computeIfAbsent(o.name(), k -> new ArrayList<String>());
        list.add(value);
      } else {
        out.put(o.name(), value);
      }
    }
    return out;
  }

  private static Option find(String name) {
    for (Option o : OPTIONS) {
      if (o.name().equals(name)) {
        return o;
      }
    }
    List<String> names = OPTIONS.stream().map(Option::name).toList();
    String close = Losses.closest(name, names);
    throw new UsageException("unknown option --" + name + (close == null ? "" : "; did you mean --" + close + "?")
        + " (see --help for every option)");
  }

  /** The help text. */
  public static String help() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: submit/loss-report [options]\n")
        .append("       submit/loss-report rollup --states PATH --output PATH [options]  (see rollup --help)\n")
        .append("       submit/loss-report html --report PATH --html FILE [options]  (see html --help)\n\n")
        .append("Computes loss functions over a prediction table in one pass and writes a long-format report\n")
        .append("(one row per key, grouping and loss) with rows, invalid_rows and weight_sum beside each value.\n\n")
        .append("Options:\n");
    for (Option o : OPTIONS) {
      String left = "  --" + o.name() + (o.arg() == null ? "" : " " + o.arg());
      b.append(String.format("%-30s %s%n", left, o.help()));
    }
    b.append("\nLosses: ").append(String.join(", ", Losses.names())).append('\n')
        .append("  A loss takes parameters in parentheses, and may name its own columns:\n")
        .append("  \"huber(delta=1.5)\", \"log_loss(label=class,prediction=probs)\", \"mse(reduction=sum)\".\n")
        .append("  See docs/LOSSES.md for formulas, inputs and options.\n\n")
        .append("Engine: --conf spark.lossreport.engine=auto (default) picks columnar for scalar losses over a\n")
        .append("  Parquet or ORC input without --where, else compiled (every loss, every input); aggregator\n")
        .append("  is the public Aggregator. With hundreds of thousands of keys spread over every input\n")
        .append("  partition, compiled is faster than columnar. See docs/PERFORMANCE.md.\n\n")
        .append("Report: a row's identity is (grouping, key values, loss); overwrite replaces the rows whose\n")
        .append("  identity this run computes and keeps every other row; the scope column holds --where.\n")
        .append("  Concurrent runs on one output commit one after the other (a lock file beside file outputs,\n")
        .append("  Delta's commit protocol for delta): rows of both land; for the same identity the later wins.\n\n")
        .append("Comparison: --compare-by model --baseline prod fills baseline_value and delta = value -\n")
        .append("  baseline_value on every other model's rows (same grouping and other keys); with --ci also\n")
        .append("  delta_std_error, delta_ci_low, delta_ci_high: paired bucket by bucket with --id-column (the\n")
        .append("  models scored the same examples), else unpaired (independent errors added).\n\n")
        .append("Gates: --fail-if \"[GROUPING:] [FIELD(]LOSS[)] OP NUMBER\", FIELD one of value (default), ci_low,\n")
        .append("  ci_high, delta, delta_ci_low, delta_ci_high; a gate fails when any row of LOSS (in GROUPING)\n")
        .append("  satisfies it; rows whose FIELD is null do not. Checked before the data is read.\n\n")
        .append("Exit codes: 0 done; 3 done, report written, a gate failed ('gate failed:' lines);\n")
        .append("  2 usage, configuration, schema or invalid input (one 'error:' line);\n")
        .append("  1 anything else (also: another run held the output too long). A failed run leaves no\n")
        .append("  partial report behind.\n\n")
        .append("Examples:\n")
        .append("  submit/loss-report --demo\n")
        .append("  submit/loss-report --input preds/ --partition-by date,model --losses mse,mae,r2 --output report/\n")
        .append("  submit/loss-report --config conf/regression.yaml --where \"date = '2026-11-24'\"\n");
    return b.toString();
  }

  /** The help text of {@code rollup}. */
  public static String rollupHelp() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: submit/loss-report rollup --states PATH --output PATH [options]\n\n")
        .append("Computes a report from saved states alone (written by a run with --states), reading no\n")
        .append("predictions: e.g. a weekly report from seven nightly runs' states. Values equal a direct run over\n")
        .append("the union of the inputs (states are merged, never finished values averaged).\n\n")
        .append("Options:\n");
    appendOptions(b, ROLLUP_OPTIONS, Map.of(
        "states", "the states table (Parquet, or Delta: detected)",
        "where", "optional filter on the states' key columns, e.g. \"date >= '2026-11-23'\"",
        "losses", "the losses to report, a subset of those the states hold (default: all of them)",
        "ci", "jackknife: intervals from the buckets the states carry (saved by a run with --ci), or none"));
    b.append("\nComparisons (--compare-by, with --ci) are paired when every state's buckets were hashed from one\n")
        .append("  --id-column (the states' bucket_by column says so), else unpaired.\n")
        .append("\nExit codes: 0 done; 3 done, report written, a gate failed; 2 usage, a loss the states lack, a\n")
        .append("  state format this release does not read, or states of two specs under one name (one 'error:'\n")
        .append("  line); 1 anything else.\n\n")
        .append("Example (weekly per model, from nightly states by date,model,segment):\n")
        .append("  submit/loss-report rollup --states states/ --where \"date BETWEEN '2026-11-23' AND '2026-11-29'\" \\\n")
        .append("    --grouping-sets \"model;overall\" --output reports/weekly\n")
        .append("See docs/STATES.md.\n");
    return b.toString();
  }

  /** The help lines of a command's options ({@code names}), with its own wording where {@code helpOf} has one. */
  private static void appendOptions(StringBuilder b, List<String> names, Map<String, String> helpOf) {
    for (Option o : OPTIONS) {
      if (names.contains(o.name())) {
        String left = "  --" + o.name() + (o.arg() == null ? "" : " " + o.arg());
        b.append(String.format("%-30s %s%n", left, helpOf.getOrDefault(o.name(), o.help())));
      }
    }
  }

  /** The help text of {@code html}. */
  public static String htmlHelp() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: submit/loss-report html --report PATH [--report-format FMT] [--where SQL] --html FILE\n\n")
        .append("Renders an existing report (written by the job or rollup) as one self-contained HTML file: run\n")
        .append("summary, per loss the value per key (with intervals), the trend over a date key, deltas against\n")
        .append("the baseline, and a sortable, filterable table. No network is needed to open it.\n\n")
        .append("Options:\n");
    appendOptions(b, HTML_OPTIONS, Map.of(
        "report", "the report: a directory written by the job (parquet, json, csv) or a Delta table",
        "report-format", "parquet, delta, json or csv (default: delta when it has _delta_log, else by its files' extension)",
        "where", "optional filter on the report's columns, e.g. \"date >= '2026-11-01'\" or \"loss = 'mse'\"",
        "html", "the HTML file to write (replaced atomically)"));
    b.append("\nBounds: per loss the 25 highest and 25 lowest keys, the first 5,000 table rows; the page says what it\n")
        .append("  leaves out. See docs/REPORT.md.\n")
        .append("\nExit codes: 0 done; 2 usage, a report that cannot be read or is not a loss report (one 'error:'\n")
        .append("  line); 1 anything else.\n\n")
        .append("Example:\n")
        .append("  submit/loss-report html --report reports/nightly --where \"date >= '2026-11-01'\" --html nightly.html\n");
    return b.toString();
  }

  /** The {@code html} command described by the command line. */
  public static HtmlSpec toHtmlSpec(Map<String, Object> cli) {
    onlyOptionsOf(cli, "html, which renders an existing report", HTML_OPTIONS);
    String report = required(cli, "report", "html: give --report PATH, the report to render");
    String html = required(cli, "html", "html: give --html FILE, the HTML file to write");
    String format = cli.containsKey("report-format")
        ? oneOf(cli, "report-format", "parquet", "parquet", "delta", "json", "csv") : null;
    return new HtmlSpec(report, format, text(cli, "where"), html, text(cli, "master"), confMap(cli.get("conf")));
  }

  /** Refuses an option that is not one of a command's {@code names} ({@code what}: the command, described). */
  private static void onlyOptionsOf(Map<String, Object> cli, String what, List<String> names) {
    for (String k : cli.keySet()) {
      if (!k.equals("command") && !names.contains(k)) {
        throw new UsageException("--" + k + " is not an option of " + what + "; its options: --"
            + String.join(", --", names));
      }
    }
  }

  private static String required(Map<String, Object> cli, String key, String message) {
    String v = text(cli, key);
    if (v == null) {
      throw new UsageException(message);
    }
    return v;
  }

  /** {@code --html FILE} of the job or rollup (the command line's, else the job file's), or null. */
  public static String htmlFile(Map<String, Object> cli) {
    if (cli.containsKey("html")) {
      return text(cli, "html");
    }
    return cli.containsKey("config") ? text(readJobFile((String) cli.get("config")), "html") : null;
  }

  /** The rollup described by the command line. */
  public static RollupSpec toRollupSpec(Map<String, Object> cli) {
    onlyOptionsOf(cli, "rollup, which reads saved states only", ROLLUP_OPTIONS);
    String states = text(cli, "states");
    if (states == null) {
      throw new UsageException("rollup: give --states PATH, the states a run with --states wrote");
    }
    String output = text(cli, "output");
    if (output == null) {
      throw new UsageException("no output: give --output PATH for the report");
    }
    List<String> losses = lossList(cli.get("losses"));
    for (String loss : losses) {
      if (!loss.trim().equalsIgnoreCase("all")) {
        Losses.parse(loss);
      }
    }
    List<List<String>> groupingSets = GroupingSets.parse(text(cli, "grouping-sets"));
    CiSpec ci = CiSpec.of(text(cli, "ci"), null, text(cli, "ci-level"), null, false);
    return new RollupSpec(states, text(cli, "where"), groupingSets, losses, output,
        oneOf(cli, "output-format", "parquet", "parquet", "csv", "json", "delta"),
        WriteMode.parse(textOr(cli, "mode", "overwrite")), text(cli, "master"), confMap(cli.get("conf")), ci,
        compare(cli, null, groupingSets), gates(cli), text(cli, "gates-output"));
  }

  /** Reads a YAML job file into option names and values (lists and maps kept). */
  public static Map<String, Object> readJobFile(String path) {
    File f = new File(path);
    if (!f.isFile()) {
      throw new UsageException("--config: job file '" + path + "' not found");
    }
    Object tree;
    try {
      tree = new ObjectMapper(new YAMLFactory()).readValue(f, Object.class);
    } catch (IOException e) {
      throw new UsageException("--config: cannot read job file '" + path + "': "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new UsageException("--config: job file '" + path + "' must be a mapping of option: value");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> names = OPTIONS.stream().map(Option::name).toList();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey()).trim().toLowerCase(Locale.ROOT).replace('_', '-');
      if (!names.contains(key) || key.equals("config") || key.equals("help") || key.equals("version")) {
        throw new UsageException("job file '" + path + "': unknown entry '" + e.getKey() + "'"
            + Losses.suggestion(key, names) + "; valid entries: " + String.join(", ", names));
      }
      out.put(key, e.getValue());
    }
    return out;
  }

  /** The job described by a job file (if {@code --config} is given) overridden by the command line. */
  public static JobSpec toSpec(Map<String, Object> cli) {
    if (cli.containsKey("command")) {
      throw new UsageException(cli.get("command") + " is a command of its own (see " + cli.get("command") + " --help)");
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    if (cli.containsKey("config")) {
      merged.putAll(readJobFile((String) cli.get("config")));
    }
    cli.forEach((k, v) -> {
      if (k.equals("conf") && merged.get("conf") instanceof Map<?, ?> fileConf) {
        Map<String, Object> both = new LinkedHashMap<>();
        fileConf.forEach((a, b) -> both.put(String.valueOf(a), b));
        both.putAll(confMap(v));
        merged.put("conf", both);
      } else {
        merged.put(k, v);
      }
    });
    for (String k : List.of("report", "report-format")) {
      if (merged.containsKey(k)) {
        throw new UsageException("--" + k + " is an option of the html command: submit/loss-report html --report PATH --html FILE");
      }
    }
    return build(merged);
  }

  public static JobSpec build(Map<String, Object> o) {
    return build(o, false);
  }

  /**
   * The job of options {@code o}; {@code dataFrame}: the pass of a {@link LossReport} over a DataFrame
   * it is given, which reads no input and writes no output (options of either are refused).
   */
  public static JobSpec build(Map<String, Object> o, boolean dataFrame) {
    String input = text(o, "input");
    String table = text(o, "table");
    String output = text(o, "output");
    if (dataFrame) {
      for (String k : o.keySet()) {
        if (!PASS_OPTIONS.contains(k)) {
          throw new UsageException(k + " is not an option of a LossReport over a DataFrame (it reads and writes"
              + " nothing); its options: " + String.join(", ", PASS_OPTIONS));
        }
      }
    } else {
      if (input != null && table != null) {
        throw new UsageException("give --input or --table, not both");
      }
      if (input == null && table == null) {
        throw new UsageException("no input: give --input PATH or --table NAME (or --demo to try the job)");
      }
      if (output == null) {
        throw new UsageException("no output: give --output PATH for the report");
      }
    }
    String inputFormat = oneOf(o, "input-format", "parquet", "parquet", "csv", "json", "orc", "delta");
    String outputFormat = oneOf(o, "output-format", "parquet", "parquet", "csv", "json", "delta");
    Long inputVersion = inputVersion(o, inputFormat);
    String inputTimestamp = text(o, "input-timestamp");
    if (inputTimestamp != null && !inputFormat.equals("delta")) {
      throw new UsageException("--input-timestamp reads a Delta table as of a time: it needs --input-format delta");
    }
    if (inputTimestamp != null && inputVersion != null) {
      throw new UsageException("give --input-version or --input-timestamp, not both");
    }
    List<String> keys = list(o, "partition-by");
    List<String> losses = lossList(o.get("losses"));
    if (losses.isEmpty()) {
      throw new UsageException("no losses: give --losses, e.g. --losses mse,mae (or --losses all); valid losses: "
          + String.join(", ", Losses.names()));
    }
    for (String loss : losses) {
      if (!loss.trim().equalsIgnoreCase("all")) {
        Losses.parse(loss); // names and parameters are checked now, before Spark reads anything
      }
    }
    List<List<String>> groupingSets = groupingSets(o, keys);
    String states = text(o, "states");
    if (states != null && states.equals(output)) {
      throw new UsageException("--states '" + states + "' is the --output; save the states elsewhere");
    }
    CiSpec ci = CiSpec.of(text(o, "ci"), text(o, "ci-buckets"), text(o, "ci-level"), text(o, "id-column"), true);
    CompareSpec compare = compare(o, keys, groupingSets);
    return new JobSpec(input, table, inputFormat, text(o, "input-schema"), inputVersion, inputTimestamp,
        text(o, "where"),
        textOr(o, "label", "label"), textOr(o, "prediction", "prediction"), text(o, "weight"), keys, losses,
        output, outputFormat, WriteMode.parse(textOr(o, "mode", "overwrite")),
        InvalidPolicy.parse(textOr(o, "invalid", "fail")), text(o, "master"), confMap(o.get("conf")),
        groupingSets, states, ci, compare, gates(o), text(o, "gates-output"));
  }

  /**
   * {@code --compare-by} and {@code --baseline}, checked against the keys now (a rollup's keys come from its
   * states: {@code keys} null, checked when they are read).
   */
  private static CompareSpec compare(Map<String, Object> o, List<String> keys, List<List<String>> groupingSets) {
    String column = text(o, "compare-by");
    String baseline = text(o, "baseline");
    if (keys == null) {
      return column == null && baseline == null ? null
          : CompareSpec.of(column, baseline, column == null ? List.of() : List.of(column), groupingSets);
    }
    return CompareSpec.of(column, baseline, keys, groupingSets);
  }

  /**
   * {@code --fail-if} (repeatable; a YAML {@code fail_if:} list), each parsed now, before Spark starts; what
   * a gate asks of the run (its loss, grouping, and a field the run fills) is checked by {@link Verdicts}
   * once the losses and keys are known, still before the scan.
   */
  static List<org.sparklossreport.gates.Gate> gates(Map<String, Object> o) {
    Object v = o.get("fail-if");
    List<String> conditions = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(x -> conditions.add(String.valueOf(x)));
    } else if (v != null) {
      conditions.add(String.valueOf(v));
    }
    List<org.sparklossreport.gates.Gate> out = new ArrayList<>();
    for (String c : conditions) {
      try {
        out.add(org.sparklossreport.gates.Gate.parse(c));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--fail-if " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * {@code --grouping-sets} as lists of column names, checked against {@code keys} now (before Spark
   * reads anything); a YAML list of groupings works as well as the {@code ;}-separated text.
   */
  static List<List<String>> groupingSets(Map<String, Object> o, List<String> keys) {
    Object v = o.get("grouping-sets");
    String text = v instanceof List<?> l ? String.join(";", l.stream().map(String::valueOf).toList()) : text(o, "grouping-sets");
    List<List<String>> sets = GroupingSets.parse(text);
    GroupingSets.of(keys, sets); // names a column that is not a key, or a grouping given twice
    return sets;
  }

  private static Long inputVersion(Map<String, Object> o, String inputFormat) {
    String v = text(o, "input-version");
    if (v == null) {
      return null;
    }
    if (!inputFormat.equals("delta")) {
      throw new UsageException("--input-version reads a Delta table as of a version: it needs --input-format delta");
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageException("--input-version must be a table version (a whole number >= 0), got '" + v + "'");
  }

  private static String text(Map<String, Object> o, String key) {
    Object v = o.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new UsageException(key + " must be a single value, got " + v);
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? null : s;
  }

  private static String textOr(Map<String, Object> o, String key, String dflt) {
    String v = text(o, key);
    return v == null ? dflt : v;
  }

  private static String oneOf(Map<String, Object> o, String key, String dflt, String... valid) {
    String v = textOr(o, key, dflt).toLowerCase(Locale.ROOT);
    if (!List.of(valid).contains(v)) {
      throw new UsageException("--" + key + " must be one of " + String.join(", ", valid) + ", got '" + v + "'");
    }
    return v;
  }

  private static List<String> list(Map<String, Object> o, String key) {
    Object v = o.get(key);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x).trim()));
    } else {
      for (String s : String.valueOf(v).split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /** Losses from a comma list, or from a YAML list of specs and {name: ..., param: value} maps. */
  static List<String> lossList(Object v) {
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> l) {
      for (Object x : l) {
        if (x instanceof Map<?, ?> m) {
          out.add(specOf(m));
        } else {
          out.addAll(Losses.splitTopLevel(String.valueOf(x)));
        }
      }
    } else {
      out.addAll(Losses.splitTopLevel(String.valueOf(v)));
    }
    out.removeIf(String::isBlank);
    return out;
  }

  private static String specOf(Map<?, ?> m) {
    Object name = m.get("name");
    if (name == null) {
      throw new UsageException("losses: an entry given as a mapping needs a 'name', got " + m);
    }
    StringBuilder b = new StringBuilder(String.valueOf(name));
    String sep = "(";
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!"name".equals(e.getKey())) {
        b.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = ",";
      }
    }
    return sep.equals(",") ? b.append(')').toString() : b.toString();
  }

  private static Map<String, String> confMap(Object v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      m.forEach((a, b) -> out.put(String.valueOf(a), String.valueOf(b)));
      return out;
    }
    List<?> items = v instanceof List<?> l ? l : List.of(v);
    for (Object item : items) {
      String s = String.valueOf(item);
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--conf needs KEY=VALUE, got '" + s + "'");
      }
      out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return out;
  }
}
