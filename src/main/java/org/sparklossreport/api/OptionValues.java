package org.sparklossreport.api;

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

/**
 * The values of an option map (option name to a string, a list or, from a job file, a mapping), read and
 * checked one option at a time, with the messages that name the option and what it expects.
 */
final class OptionValues {
  private OptionValues() {}

  /**
   * {@code --fail-if} (repeatable; a YAML {@code fail_if:} list), each parsed now, before Spark starts; what
   * a gate asks of the run (its loss, grouping, and a field the run fills) is checked by {@link Verdicts}
   * once the losses and keys are known, still before the scan.
   */
  static List<Gate> gates(Map<String, Object> o) {
    Object v = o.get("fail-if");
    List<String> conditions = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(x -> conditions.add(String.valueOf(x)));
    } else if (v != null) {
      conditions.add(String.valueOf(v));
    }
    List<Gate> out = new ArrayList<>();
    for (String c : conditions) {
      try {
        out.add(Gate.parse(c));
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

  static Long inputVersion(Map<String, Object> o, String inputFormat) {
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

  static String text(Map<String, Object> o, String key) {
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

  static String textOr(Map<String, Object> o, String key, String dflt) {
    String v = text(o, key);
    return v == null ? dflt : v;
  }

  static String oneOf(Map<String, Object> o, String key, String dflt, String... valid) {
    String v = textOr(o, key, dflt).toLowerCase(Locale.ROOT);
    if (!List.of(valid).contains(v)) {
      throw new UsageException("--" + key + " must be one of " + String.join(", ", valid) + ", got '" + v + "'");
    }
    return v;
  }

  static List<String> list(Map<String, Object> o, String key) {
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

  static Map<String, String> confMap(Object v) {
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
  }}
