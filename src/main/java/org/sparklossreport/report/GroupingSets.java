package org.sparklossreport.report;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparklossreport.core.UsageException;

/**
 * The groupings a report holds ({@code --grouping-sets "date,model;date;overall"}), as SQL's
 * {@code GROUPING SETS}: each a subset of the key columns, or {@code overall} (no key). The finest
 * grouping, by every key, is what the single pass computes; a coarser one merges the finest states.
 *
 * @param keys the key columns, in {@code --partition-by} order
 * @param sets the groupings, in the order given, each once
 */
public record GroupingSets(List<String> keys, List<Grouping> sets) implements Serializable {

  /**
   * One grouping: its report name ({@code date,model} in key order, or {@code overall}) and the positions
   * of its columns among the keys.
   */
  public record Grouping(String name, int[] positions) implements Serializable {
    /** True for the grouping by no key. */
    public boolean overall() {
      return positions.length == 0;
    }

    /** The grouping's key values of a finest key ({@code finest}), null at the other keys. */
    public Object[] project(Object[] finest) {
      Object[] out = new Object[finest.length];
      for (int p : positions) {
        out[p] = finest[p];
      }
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Grouping g && name.equals(g.name) && Arrays.equals(positions, g.positions);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  public GroupingSets {
    keys = List.copyOf(keys);
    sets = List.copyOf(sets);
  }

  /**
   * The groupings of {@code given} (each a list of key names, or {@code [overall]}) over {@code keys}
   * (the columns as the input names them; a given name matches case-insensitively, as Spark's do);
   * none given: every key, then overall. A usage error names a column that is not a key, a grouping given
   * twice, or an empty one.
   */
  public static GroupingSets of(List<String> keys, List<List<String>> given) {
    List<Grouping> sets = new ArrayList<>();
    if (given == null || given.isEmpty()) {
      if (!keys.isEmpty()) {
        sets.add(byAll(keys));
      }
      sets.add(new Grouping(ReportRows.OVERALL, new int[0]));
      return new GroupingSets(keys, sets);
    }
    for (List<String> set : given) {
      Grouping g = grouping(keys, set);
      if (sets.contains(g)) {
        throw new UsageException("--grouping-sets names the grouping '" + g.name() + "' twice");
      }
      sets.add(g);
    }
    return new GroupingSets(keys, sets);
  }

  /** Parses {@code "date,model;date;overall"} into lists of names (checked against the keys by {@link #of}). */
  public static List<List<String>> parse(String text) {
    List<List<String>> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String set : text.split(";", -1)) {
      List<String> cols = new ArrayList<>();
      for (String c : set.split(",", -1)) {
        if (c.isBlank()) {
          throw new UsageException("--grouping-sets \"" + text + "\": empty column name or grouping; expected"
              + " groupings separated by ';', each a comma-separated list of --partition-by columns or the word"
              + " overall, e.g. \"date,model;date;overall\"");
        }
        cols.add(c.trim());
      }
      out.add(cols);
    }
    return out;
  }

  private static Grouping grouping(List<String> keys, List<String> set) {
    if (set.size() == 1 && set.get(0).equalsIgnoreCase(ReportRows.OVERALL)) {
      return new Grouping(ReportRows.OVERALL, new int[0]);
    }
    boolean[] in = new boolean[keys.size()];
    for (String c : set) {
      int at = indexOf(keys, c);
      if (at < 0) {
        throw new UsageException("--grouping-sets: column '" + c + "' is not a --partition-by column"
            + (keys.isEmpty() ? " (there are none: only 'overall' is possible)" : "; they are " + String.join(",", keys))
            + (c.equalsIgnoreCase(ReportRows.OVERALL) ? "; 'overall' stands alone, as its own grouping" : ""));
      }
      if (in[at]) {
        throw new UsageException("--grouping-sets: grouping '" + String.join(",", set) + "' names column '" + c
            + "' twice");
      }
      in[at] = true;
    }
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      if (in[i]) {
        positions.add(i);
      }
    }
    return by(keys, positions.stream().mapToInt(Integer::intValue).toArray());
  }

  private static Grouping by(List<String> keys, int[] positions) {
    List<String> names = new ArrayList<>();
    for (int p : positions) {
      names.add(keys.get(p));
    }
    return new Grouping(String.join(",", names), positions);
  }

  private static int indexOf(List<String> keys, String name) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    return -1;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** The grouping by every key of {@code keys}: the single pass's own. */
  public static Grouping byAll(List<String> keys) {
    return by(keys, range(keys.size()));
  }

  /** True when the groupings include the one by every key (the single pass's own). */
  public boolean hasFinest() {
    return finest() >= 0;
  }

  /** The index in {@link #sets} of the grouping by every key, or -1 (none, or no keys). */
  public int finest() {
    for (int g = 0; g < sets.size(); g++) {
      if (sets.get(g).positions().length == keys.size() && !keys.isEmpty()) {
        return g;
      }
    }
    return -1;
  }

  /** True when the groupings include {@code overall}. */
  public boolean hasOverall() {
    return sets.stream().anyMatch(Grouping::overall);
  }

  /** The groupings between the finest and overall: each merges the finest states by a subset of the keys. */
  public List<Grouping> coarser() {
    return sets.stream().filter(g -> !g.overall() && g.positions().length < keys.size()).toList();
  }
}
