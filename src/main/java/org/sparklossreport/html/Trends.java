package org.sparklossreport.html;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The trend of a loss over a date key: the key column that is a date or timestamp, or a string column
 * whose every value is an ISO date ({@code 2026-11-24}, optionally with a time), read from the loss's
 * finest grouping that includes it; one series per value of the grouping's other keys. Only the latest
 * {@code trendDates} dates and the first {@code trendSeries} series (by name) are kept, the rest counted. A
 * report written with a history also gives per series its band ({@code low}, {@code high}) and anomalies.
 */
final class Trends {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern ISO = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z?)?");

  private Trends() {}

  /** The first key column that holds dates, or null. */
  static String dateColumn(List<Row> rows, ReportColumns c) {
    for (String k : c.keys()) {
      DataType t = c.schema().apply(k).dataType();
      if (t.equals(DataTypes.DateType) || t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType)) {
        return k;
      }
      if (t.equals(DataTypes.StringType) && allIso(rows, c, k)) {
        return k;
      }
    }
    return null;
  }

  private static boolean allIso(List<Row> rows, ReportColumns c, String column) {
    boolean any = false;
    for (Row r : rows) {
      String v = c.text(r, column);
      if (v != null) {
        if (!ISO.matcher(v).matches()) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  /**
   * {@code {loss, dateColumn, grouping, dates, series: [{name, values}], datesTotal, seriesTotal}}, or null
   * when the loss has fewer than two dates.
   */
  static ObjectNode of(String loss, List<Row> rows, ReportColumns c, String dateColumn, Bounds bounds) {
    List<String> finest = null;
    for (Row r : rows) {
      List<String> g = ReportColumns.groupingColumns(c.text(r, "grouping"));
      if (g.contains(dateColumn) && (finest == null || g.size() > finest.size())) {
        finest = g;
      }
    }
    if (finest == null) {
      return null;
    }
    List<String> others = new ArrayList<>(finest);
    others.remove(dateColumn);
    String grouping = String.join(",", finest);
    TreeSet<String> dates = new TreeSet<>();
    Map<String, Map<String, Double>> series = new TreeMap<>();
    Map<String, Map<String, Row>> byDate = new TreeMap<>(); // for the band columns of a history
    for (Row r : rows) {
      if (grouping.equals(c.text(r, "grouping")) && c.get(r, dateColumn) != null) {
        String date = c.text(r, dateColumn);
        dates.add(date);
        String name = others.isEmpty() ? "all" : c.keyLabel(r, others);
        series.computeIfAbsent(name, k -> new TreeMap<>()).put(date, c.number(r, "value"));
        byDate.computeIfAbsent(name, k -> new TreeMap<>()).put(date, r);
      }
    }
    if (dates.size() < 2) {
      return null;
    }
    List<String> kept = new ArrayList<>(dates).subList(Math.max(0, dates.size() - bounds.trendDates()), dates.size());
    ObjectNode out = F.objectNode().put("loss", loss).put("dateColumn", dateColumn).put("grouping", grouping);
    ArrayNode d = out.putArray("dates");
    kept.forEach(d::add);
    ArrayNode s = out.putArray("series");
    series.entrySet().stream().limit(bounds.trendSeries()).forEach(e -> {
      ArrayNode values = F.arrayNode();
      kept.forEach(date -> values.add(ReportColumns.json(e.getValue().get(date))));
      ObjectNode one = s.addObject().put("name", e.getKey());
      one.set("values", values);
      if (c.has("band_low")) { // a history: the band of every night that has one, and its anomalies
        Map<String, Row> at = byDate.get(e.getKey());
        ArrayNode low = one.putArray("low");
        ArrayNode high = one.putArray("high");
        ArrayNode anomaly = one.putArray("anomaly");
        for (String date : kept) {
          Row r = at.get(date);
          low.add(ReportColumns.json(r == null ? null : c.number(r, "band_low")));
          high.add(ReportColumns.json(r == null ? null : c.number(r, "band_high")));
          anomaly.add(r != null && (Boolean.TRUE.equals(c.get(r, "anomaly")) || "true".equals(c.text(r, "anomaly"))));
        }
      }
    });
    return out.put("datesTotal", dates.size()).put("seriesTotal", series.size());
  }
}
