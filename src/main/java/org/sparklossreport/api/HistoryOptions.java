package org.sparklossreport.api;

import static org.sparklossreport.api.OptionValues.confMap;
import static org.sparklossreport.api.OptionValues.list;
import static org.sparklossreport.api.OptionValues.oneOf;
import static org.sparklossreport.api.OptionValues.text;
import static org.sparklossreport.api.OptionValues.textOr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.history.BandMethod;
import org.sparklossreport.history.HistorySpec;
import org.sparklossreport.history.ReportHistorySpec;
import org.sparklossreport.spec.WriteMode;

/**
 * The history options ({@code --history-by} and its companions) of the job, {@code rollup} and the
 * {@code history} command, turned into a {@link HistorySpec}; and the split of the gates: those on
 * {@code z} and {@code anomaly} need a history (exit 2 before anything is read without one) and are
 * evaluated on the banded rows, the others by the run as before.
 */
public final class HistoryOptions {
  private HistoryOptions() {}

  /** The history options, in the order of the help (after {@code --baseline}). */
  public static final List<String> NAMES = List.of("history-by", "history-window", "history-min", "band", "band-k",
      "band-change", "history-keep-anomalies");

  /** {@code history}, described for messages. */
  public static final String COMMAND = "history, which bands the newest values of an existing report";

  /** The options of {@code history}. */
  public static final List<String> COMMAND_OPTIONS = List.of("report", "report-format", "where", "history-by",
      "history-window", "history-min", "band", "band-k", "band-change", "history-keep-anomalies", "fail-if",
      "gates-output", "output", "output-format", "mode", "html", "master", "conf", "help");

  /**
   * The gates a run without its history evaluates: every {@code --fail-if} but those on {@code z} and
   * {@code anomaly}, which are an error without {@code --history-by}.
   */
  static List<Gate> passGates(Map<String, Object> o) {
    List<Gate> out = new ArrayList<>();
    for (Gate g : OptionValues.gates(o)) {
      if (!Gate.HISTORY_FIELDS.contains(g.field())) {
        out.add(g);
      } else if (text(o, "history-by") == null) {
        throw new UsageException("--fail-if '" + g.condition() + "': " + g.field() + " needs a history: add"
            + " --history-by COL (the key column that orders the nights, e.g. date)");
      }
    }
    return out;
  }

  /**
   * The history of options {@code o} (a job file's under the command line for the job), null without
   * {@code --history-by}; {@code keys}: the run's key columns, which must hold the history column (null:
   * known only once the report or states are read).
   */
  public static HistorySpec history(Map<String, Object> o, List<String> keys) {
    String column = text(o, "history-by");
    if (column == null) {
      for (String n : NAMES) {
        if (o.containsKey(n)) {
          throw new UsageException("--" + n + " needs --history-by COL, the key column that orders the nights");
        }
      }
      return null;
    }
    if (keys != null && keys.stream().noneMatch(k -> k.equalsIgnoreCase(column))) {
      throw new UsageException("--history-by " + column + " is not a --partition-by key (" + (keys.isEmpty() ? "none"
          : String.join(", ", keys)) + "); give the key column that orders the nights, e.g. date");
    }
    List<Gate> gates = OptionValues.gates(o).stream().filter(g -> Gate.HISTORY_FIELDS.contains(g.field())).toList();
    return new HistorySpec(column, whole(o, "history-window", HistorySpec.DEFAULT_WINDOW),
        whole(o, "history-min", HistorySpec.DEFAULT_MIN), BandMethod.parse(textOr(o, "band", "normal")),
        number(o, "band-k", HistorySpec.DEFAULT_K), number(o, "band-change", HistorySpec.DEFAULT_CHANGE),
        o.containsKey("history-keep-anomalies") && !"false".equalsIgnoreCase(text(o, "history-keep-anomalies")),
        gates);
  }

  /** The job's history: its job file under its command line, checked against {@code --partition-by}. */
  public static HistorySpec ofJob(Map<String, Object> cli) {
    Map<String, Object> merged = JobFile.under(cli);
    return history(merged, list(merged, "partition-by"));
  }

  /** The {@code history} command described by the command line. */
  public static ReportHistorySpec toCommandSpec(Map<String, Object> cli) {
    for (String k : cli.keySet()) {
      if (!k.equals("command") && !COMMAND_OPTIONS.contains(k)) {
        throw JobOptions.notAnOptionOf(k, COMMAND, COMMAND_OPTIONS);
      }
    }
    if (text(cli, "history-by") == null) {
      throw new UsageException("history: give --history-by COL, the key column of the report that orders the nights");
    }
    String format = cli.containsKey("report-format")
        ? oneOf(cli, "report-format", "parquet", "parquet", "delta", "json", "csv") : null;
    return new ReportHistorySpec(text(cli, "report"), format, text(cli, "where"), history(cli, null),
        text(cli, "output"), oneOf(cli, "output-format", "parquet", "parquet", "csv", "json", "delta"),
        WriteMode.parse(textOr(cli, "mode", "overwrite")), text(cli, "html"), text(cli, "gates-output"),
        text(cli, "master"), confMap(cli.get("conf")));
  }

  private static int whole(Map<String, Object> o, String key, int dflt) {
    return parsed(o, key, dflt, Integer::parseInt, "a whole number");
  }

  private static double number(Map<String, Object> o, String key, double dflt) {
    return parsed(o, key, dflt, Double::parseDouble, "a number");
  }

  private static <T> T parsed(Map<String, Object> o, String key, T dflt, java.util.function.Function<String, T> parse,
      String what) {
    String v = text(o, key);
    try {
      return v == null ? dflt : parse.apply(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + key + " must be " + what + ", got '" + v + "'");
    }
  }
}
