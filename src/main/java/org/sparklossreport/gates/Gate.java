package org.sparklossreport.gates;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparklossreport.losses.Losses;

/**
 * A gate ({@code --fail-if}): {@code [GROUPING:] [FIELD(]LOSS[)] OP NUMBER}. It fails when any report row
 * of LOSS (in GROUPING, else in every grouping) has a FIELD that compares with NUMBER as OP says, e.g.
 * {@code "overall: ci_low(mse) > 0.25"} or {@code "delta_ci_low(log_loss) > 0"}. A row whose FIELD is null
 * (no valid row, no interval, no baseline, no band) cannot fail it; the outcome counts such rows. A boolean
 * field ({@code anomaly}) compares as 1 (true) or 0, so {@code "anomaly(mse) > 0"} fails on any anomaly.
 *
 * @param condition the condition as given
 * @param grouping the grouping it is limited to, as given ({@code overall}, {@code date,model}), or null
 * @param field value, ci_low, ci_high, delta, delta_ci_low, delta_ci_high; with a history z or anomaly
 * @param loss the loss as given (a report {@code loss}, e.g. {@code huber(delta=1.5)}, {@code mse_gradient.gradient_norm})
 * @param op {@code >}, {@code >=}, {@code <} or {@code <=}
 * @param threshold NUMBER
 */
public record Gate(String condition, String grouping, String field, String loss, String op, double threshold)
    implements Serializable {

  /** The report columns a gate may test. */
  public static final List<String> FIELDS = List.of("value", "ci_low", "ci_high", "delta", "delta_ci_low",
      "delta_ci_high", "z", "anomaly");

  /** The fields a history fills ({@code --history-by}): {@code z}, and {@code anomaly} (true counts as 1). */
  public static final List<String> HISTORY_FIELDS = List.of("z", "anomaly");

  private static final Pattern SYNTAX = Pattern.compile("^\\s*(?:([^:()]+):)?\\s*([^<>]+?)\\s*(>=|<=|>|<)\\s*([^<>\\s]+)\\s*$");
  private static final Pattern FIELD = Pattern.compile("^([A-Za-z_]+)\\((.*)\\)$");
  /** A report loss name: a loss, its parameters in parentheses, an extra output after a dot. */
  private static final Pattern LOSS = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*(\\(.*\\))?(\\.[A-Za-z0-9_]+)?$");

  /** Parses a condition; an {@link IllegalArgumentException} says what is wrong and what is expected. */
  public static Gate parse(String condition) {
    Matcher m = SYNTAX.matcher(condition == null ? "" : condition);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + condition + "' is not a gate: expected [GROUPING:] [FIELD(]LOSS[)] OP"
          + " NUMBER with OP one of >, >=, <, <=, e.g. \"mse > 0.25\" or \"overall: ci_low(mse) > 0.25\"");
    }
    String grouping = m.group(1) == null ? null : m.group(1).trim();
    String lhs = m.group(2).trim();
    String field = "value";
    String loss = lhs;
    Matcher f = FIELD.matcher(lhs);
    if (f.matches() && FIELDS.contains(f.group(1).toLowerCase(Locale.ROOT))) {
      field = f.group(1).toLowerCase(Locale.ROOT);
      loss = f.group(2).trim();
    } else if (f.matches() && !Losses.names().contains(f.group(1))) {
      throw new IllegalArgumentException("'" + condition + "': " + f.group(1) + " is neither a field ("
          + String.join(", ", FIELDS) + ") nor a loss" + Losses.suggestion(f.group(1), Losses.names()));
    }
    if (loss.isEmpty() || !LOSS.matcher(loss).matches()) {
      throw new IllegalArgumentException("'" + condition + "': '" + loss + "' is not a loss name (expected e.g. mse,"
          + " huber(delta=1.5), mse_gradient.gradient_norm; OP one of >, >=, <, <=)");
    }
    double threshold;
    try {
      threshold = Double.parseDouble(m.group(4));
    } catch (NumberFormatException e) {
      threshold = Double.NaN;
    }
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("'" + condition + "': '" + m.group(4) + "' is not a finite number");
    }
    return new Gate(condition.trim(), grouping, field, canonical(loss), m.group(3), threshold);
  }

  /**
   * The report's name of {@code loss}: its canonical spec ({@code huber(delta=1.50)} → {@code huber(delta=1.5)})
   * with an extra output's suffix kept; as given when it does not parse (the run's check then names it).
   */
  static String canonical(String loss) {
    int close = loss.lastIndexOf(')');
    int dot = close >= 0 ? (loss.indexOf('.', close) == close + 1 ? close + 1 : -1) : loss.indexOf('.');
    String base = dot >= 0 ? loss.substring(0, dot) : loss;
    String output = dot >= 0 ? loss.substring(dot) : "";
    try {
      return Losses.parse(base).canonical() + output;
    } catch (IllegalArgumentException e) { // LossSpecException too {
      return loss;
    }
  }

  /** True when {@code x} fails the gate. */
  public boolean fails(double x) {
    return switch (op) {
      case ">" -> x > threshold;
      case ">=" -> x >= threshold;
      case "<" -> x < threshold;
      default -> x <= threshold;
    };
  }

  /** True when {@code a} fails the gate further than {@code b} (the worst rows are named first). */
  boolean worse(double a, double b) {
    return op.startsWith(">") ? a > b : a < b;
  }

  /** True for a row of {@code rowGrouping} ({@code date,model}) when this gate is limited to a grouping. */
  boolean covers(String rowGrouping) {
    return grouping == null || sameGrouping(grouping, rowGrouping);
  }

  /** Groupings are the same set of key columns (names match case-insensitively, in any order). */
  static boolean sameGrouping(String a, String b) {
    return normalized(a).equals(normalized(b));
  }

  private static List<String> normalized(String g) {
    return java.util.Arrays.stream(g.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).sorted().toList();
  }

  /**
   * Checks the gate against a run: {@code losses} the report's loss names, {@code groupings} its grouping
   * names, {@code fields} the fields it fills (e.g. no {@code delta} without a comparison). An
   * {@link IllegalArgumentException} names what the gate asks for that the run will not have.
   */
  public void check(List<String> losses, List<String> groupings, List<String> fields, String whyNotField) {
    if (!losses.contains(loss)) {
      throw new IllegalArgumentException("'" + condition + "': loss " + loss + " is not in this run's report (its"
          + " losses: " + String.join(", ", losses) + ")");
    }
    if (grouping != null && groupings.stream().noneMatch(g -> sameGrouping(grouping, g))) {
      throw new IllegalArgumentException("'" + condition + "': grouping '" + grouping + "' is not in this run's report"
          + " (its groupings: " + String.join("; ", groupings) + ")");
    }
    if (!fields.contains(field)) {
      throw new IllegalArgumentException("'" + condition + "': " + field + " " + whyNotField);
    }
  }
}
