package org.sparklossreport.api;

import static org.sparklossreport.api.OptionValues.confMap;
import static org.sparklossreport.api.OptionValues.groupingSets;
import static org.sparklossreport.api.OptionValues.inputVersion;
import static org.sparklossreport.api.OptionValues.list;
import static org.sparklossreport.api.OptionValues.lossList;
import static org.sparklossreport.api.OptionValues.oneOf;
import static org.sparklossreport.api.OptionValues.text;
import static org.sparklossreport.api.OptionValues.textOr;

import java.util.List;
import java.util.Map;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.report.GroupingSets;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.CompareSpec;
import org.sparklossreport.spec.HtmlSpec;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.RollupSpec;
import org.sparklossreport.spec.WriteMode;

/**
 * The job's options as a map (option name without the dashes to its value: a string, a list for
 * repeatable options, "true" for flags; from a job file also YAML lists and mappings) turned into the
 * immutable descriptions the job, {@code rollup} and {@code html} run: {@link JobSpec}, {@link RollupSpec},
 * {@link HtmlSpec}. Every check that needs no data is made here, before Spark starts, with an error that
 * names the option. The command line ({@code cli}) and the builder {@link LossReport} both give their
 * options this way; the command line's parsing and help are the {@code cli} package's.
 */
public final class JobOptions {
  private JobOptions() {}

  /**
   * Every option of the job, in the order of its help ({@code ../spec/job.md}); a job file's entries are
   * these names, with {@code _} or {@code -}.
   */
  public static final List<String> NAMES = List.of("config", "input", "table", "input-format", "input-version",
      "input-timestamp", "input-schema", "where", "label", "prediction", "weight", "partition-by", "losses",
      "grouping-sets", "ci", "ci-buckets", "ci-level", "id-column", "compare-by", "baseline", "history-by",
      "history-window", "history-min", "band", "band-k", "band-change", "history-keep-anomalies", "fail-if",
      "gates-output", "html", "report", "report-format", "output", "output-format", "states", "mode", "invalid",
      "master", "conf", "demo", "demo-rows", "demo-dir", "help", "version");

  /** The options of a {@link LossReport}: what the pass computes, not what it reads or writes. */
  public static final List<String> PASS_OPTIONS = List.of("where", "label", "prediction", "weight", "partition-by",
      "losses", "grouping-sets", "ci", "ci-buckets", "ci-level", "id-column", "compare-by", "baseline", "invalid");

  /** The options of {@code rollup}; the others are the job's alone. */
  public static final List<String> ROLLUP_OPTIONS = List.of("states", "where", "grouping-sets", "losses", "ci",
      "ci-level", "compare-by", "baseline", "history-by", "history-window", "history-min", "band", "band-k",
      "band-change", "history-keep-anomalies", "fail-if", "gates-output", "output", "output-format", "mode", "master",
      "conf", "html", "help");

  /** {@code rollup}, described for messages: a job option it does not take is "not an option of" this. */
  public static final String ROLLUP = "rollup, which reads saved states only";

  /** {@code html}, described for messages. */
  public static final String HTML = "html, which renders an existing report";

  /** The options of {@code html}: render an existing report. */
  public static final List<String> HTML_OPTIONS = List.of("report", "report-format", "where", "html", "master",
      "conf", "help");

  /** The {@code html} command described by the command line. */
  public static HtmlSpec toHtmlSpec(Map<String, Object> cli) {
    onlyOptionsOf(cli, HTML, HTML_OPTIONS);
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
        throw notAnOptionOf(k, what, names);
      }
    }
  }

  /**
   * The error of a job option ({@code name}, without dashes) given to a command whose options are
   * {@code names} ({@code what}: the command, described, e.g. "rollup, which reads saved states only").
   */
  public static UsageException notAnOptionOf(String name, String what, List<String> names) {
    return new UsageException("--" + name + " is not an option of " + what + "; its options: --"
        + String.join(", --", names));
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
    return cli.containsKey("config") ? text(JobFile.read((String) cli.get("config")), "html") : null;
  }

  /** The rollup described by the command line. */
  public static RollupSpec toRollupSpec(Map<String, Object> cli) {
    onlyOptionsOf(cli, ROLLUP, ROLLUP_OPTIONS);
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
        Losses.check(loss);
      }
    }
    List<List<String>> groupingSets = GroupingSets.parse(text(cli, "grouping-sets"));
    CiSpec ci = CiSpec.of(text(cli, "ci"), null, text(cli, "ci-level"), null, false);
    return new RollupSpec(states, text(cli, "where"), groupingSets, losses, output,
        oneOf(cli, "output-format", "parquet", "parquet", "csv", "json", "delta"),
        WriteMode.parse(textOr(cli, "mode", "overwrite")), text(cli, "master"), confMap(cli.get("conf")), ci,
        compare(cli, null, groupingSets), HistoryOptions.passGates(cli), text(cli, "gates-output"));
  }

  /** The job described by a job file (if {@code --config} is given) overridden by the command line. */
  public static JobSpec toSpec(Map<String, Object> cli) {
    if (cli.containsKey("command")) {
      throw new UsageException(cli.get("command") + " is a command of its own (see " + cli.get("command") + " --help)");
    }
    Map<String, Object> merged = JobFile.under(cli);
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
        Losses.check(loss); // names and parameters are checked now, before Spark reads anything
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
        groupingSets, states, ci, compare, HistoryOptions.passGates(o), text(o, "gates-output"));
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
}
