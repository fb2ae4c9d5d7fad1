package org.sparklossreport.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parameters a loss was asked for with ({@code huber(delta=1.5)}), read and checked by the loss's
 * constructor. Every read declares the parameter; {@link #finish()} rejects the ones nobody declared and
 * keeps a canonical form (declared order, numbers normalised, defaults left out).
 */
public final class Params implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String loss;
  private final Map<String, String> given;
  private final Set<String> declared = new LinkedHashSet<>();
  private final Map<String, String> canonical = new LinkedHashMap<>();
  private final Map<String, String> full = new LinkedHashMap<>(); // every value in effect, defaults included

  public Params(String loss, Map<String, String> given) {
    this.loss = loss;
    this.given = new LinkedHashMap<>();
    given.forEach((k, v) -> this.given.put(k.trim().toLowerCase(Locale.ROOT), v.trim()));
  }

  /** No parameters. */
  public static Params none(String loss) {
    return new Params(loss, Map.of());
  }

  public String loss() {
    return loss;
  }

  /** A double parameter within [{@code lo}, {@code hi}] (bounds open where {@code open*} says so). */
  public double number(String name, double dflt, double lo, boolean openLo, double hi, boolean openHi) {
    declared.add(name);
    String raw = given.get(name);
    if (raw == null) {
      full.put(name, fmt(dflt));
      return dflt;
    }
    double v;
    try {
      v = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new LossSpecException(loss + ": parameter " + name + " must be a number, got '" + raw + "'");
    }
    boolean below = openLo ? !(v > lo) : !(v >= lo);
    boolean above = openHi ? !(v < hi) : !(v <= hi);
    if (below || above) {
      throw new LossSpecException(loss + ": parameter " + name + " must be in " + (openLo ? "(" : "[")
          + fmt(lo) + ", " + fmt(hi) + (openHi ? ")" : "]") + ", got " + raw);
    }
    if (v != dflt) {
      canonical.put(name, fmt(v));
    }
    full.put(name, fmt(v));
    return v;
  }

  /** A boolean parameter ({@code true} or {@code false}). */
  public boolean flag(String name, boolean dflt) {
    declared.add(name);
    String raw = given.get(name);
    if (raw == null) {
      full.put(name, Boolean.toString(dflt));
      return dflt;
    }
    boolean v;
    if (raw.equalsIgnoreCase("true")) {
      v = true;
    } else if (raw.equalsIgnoreCase("false")) {
      v = false;
    } else {
      throw new LossSpecException(loss + ": parameter " + name + " must be true or false, got '" + raw + "'");
    }
    if (v != dflt) {
      canonical.put(name, Boolean.toString(v));
    }
    full.put(name, Boolean.toString(v));
    return v;
  }

  /** An integer parameter ≥ {@code lo}, or null when not given. */
  public Integer optionalInt(String name, int lo) {
    declared.add(name);
    String raw = given.get(name);
    if (raw == null) {
      return null;
    }
    int v;
    try {
      v = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new LossSpecException(loss + ": parameter " + name + " must be an integer, got '" + raw + "'");
    }
    if (v < lo) {
      throw new LossSpecException(loss + ": parameter " + name + " must be ≥ " + lo + ", got " + raw);
    }
    canonical.put(name, Integer.toString(v));
    full.put(name, Integer.toString(v));
    return v;
  }

  /** A string parameter (a column name), or null when not given. */
  public String text(String name) {
    declared.add(name);
    String raw = given.get(name);
    if (raw != null) {
      canonical.put(name, raw);
    }
    return raw;
  }

  /** The reduction, {@code mean} or {@code sum}. */
  public Reduction reduction(Reduction dflt) {
    declared.add("reduction");
    String raw = given.get("reduction");
    if (raw == null) {
      full.put("reduction", dflt.toString());
      return dflt;
    }
    Reduction r = Reduction.parse(loss, raw);
    if (r != dflt) {
      canonical.put("reduction", r.toString());
    }
    full.put("reduction", r.toString());
    return r;
  }

  /** Rejects parameters no read declared; {@link Loss#build} calls it after the loss's constructor. */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (String k : given.keySet()) {
      if (!declared.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      String close = unknown.size() == 1 ? Names.closest(unknown.get(0), declared) : null;
      throw new LossSpecException(loss + ": unknown parameter " + String.join(", ", unknown)
          + (close == null ? "" : "; did you mean " + close + "?")
          + "; valid parameters: " + String.join(", ", declared));
    }
  }

  /** {@code name} or {@code name(k=v,...)} with the non-default parameters in declared order. */
  public String canonical() {
    if (canonical.isEmpty()) {
      return loss;
    }
    StringBuilder b = new StringBuilder(loss).append('(');
    String sep = "";
    for (String k : declared) {
      if (canonical.containsKey(k)) {
        b.append(sep).append(k).append('=').append(canonical.get(k));
        sep = ",";
      }
    }
    return b.append(')').toString();
  }

  /**
   * {@code name(k=v,...)} with every parameter in effect, defaults included, in declared order: what a
   * loss computes, as recorded in its states ({@code huber(reduction=mean,delta=1)} for {@code huber}).
   * Column names ({@code label}, {@code prediction}, {@code weight}) are left out: they say where the
   * inputs come from, not what is computed. An optional integer that was not given is left out.
   */
  public String fullSpec() {
    if (full.isEmpty()) {
      return loss;
    }
    StringBuilder b = new StringBuilder(loss).append('(');
    String sep = "";
    for (String k : declared) {
      if (full.containsKey(k)) {
        b.append(sep).append(k).append('=').append(full.get(k));
        sep = ",";
      }
    }
    return b.append(')').toString();
  }

  /**
   * {@code name(k=v,...)} with every parameter, defaults and column names included, in declared order:
   * the {@code loss} of a saved state ({@code docs/STATES.md}), from which {@code Losses.parse} rebuilds
   * the same loss with the same {@link #canonical()} report name.
   */
  public String savedSpec() {
    StringBuilder b = new StringBuilder(loss);
    String sep = "(";
    for (String k : declared) {
      String v = full.containsKey(k) ? full.get(k) : canonical.get(k);
      if (v != null) {
        b.append(sep).append(k).append('=').append(v);
        sep = ",";
      }
    }
    return sep.equals(",") ? b.append(')').toString() : b.toString();
  }

  /** Shortest plain form of a parameter value: {@code 2}, {@code 1.5}, {@code 1e-7}. */
  static String fmt(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toString().toLowerCase(Locale.ROOT)
        .replace("e+", "e");
  }
}
