package org.sparklossreport.html;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.sparklossreport.gates.GateOutcome;

/**
 * The data the page embeds, as one JSON object: {@code summary}, {@code gates}, {@code bounds},
 * {@code losses} (per loss: {@code values}, and {@code trend} and {@code deltas} when the report has
 * them) and {@code table} ({@code columns}, {@code rows} as arrays in column order, {@code total}). Rows are
 * ordered by loss, grouping and key label, so the same report always gives the same page.
 */
final class ReportModel {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ReportModel() {}

  static ObjectNode of(List<Row> rows, ReportColumns c, RunSummary run, List<GateOutcome> gates, Bounds bounds) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing((Row r) -> String.valueOf(c.text(r, "loss")))
        .thenComparing(r -> String.valueOf(c.text(r, "grouping"))).thenComparing((Row r) -> c.keyLabel(r)));
    Map<String, List<Row>> byLoss = new LinkedHashMap<>();
    for (Row r : sorted) {
      byLoss.computeIfAbsent(String.valueOf(c.text(r, "loss")), k -> new ArrayList<>()).add(r);
    }
    ObjectNode out = F.objectNode();
    out.set("summary", RunFacts.summary(run, sorted, c));
    out.set("gates", RunFacts.gates(gates));
    out.set("anomalies", Anomalies.of(sorted, c));
    out.putObject("bounds").put("topBottom", bounds.topBottom()).put("deltaRows", bounds.deltaRows())
        .put("trendSeries", bounds.trendSeries()).put("trendDates", bounds.trendDates())
        .put("tableRows", bounds.tableRows());
    String dateColumn = Trends.dateColumn(sorted, c);
    ArrayNode losses = out.putArray("losses");
    byLoss.forEach((loss, lossRows) -> {
      ObjectNode l = losses.addObject().put("loss", loss);
      l.set("values", LossCharts.values(loss, lossRows, c, bounds.topBottom()));
      l.set("trend", dateColumn == null ? null : Trends.of(loss, lossRows, c, dateColumn, bounds));
      l.set("deltas", LossCharts.deltas(loss, lossRows, c, bounds.deltaRows()));
    });
    out.set("table", table(sorted, c, bounds.tableRows()));
    return out;
  }

  private static ObjectNode table(List<Row> rows, ReportColumns c, int cap) {
    ObjectNode t = F.objectNode();
    ArrayNode columns = t.putArray("columns");
    for (StructField f : c.schema().fields()) {
      columns.addObject().put("name", f.name()).put("type", f.dataType().simpleString());
    }
    ArrayNode out = t.putArray("rows");
    for (Row r : rows.subList(0, Math.min(cap, rows.size()))) {
      ArrayNode a = out.addArray();
      for (int i = 0; i < r.size(); i++) {
        a.add(ReportColumns.json(r.get(i)));
      }
    }
    return t.put("total", rows.size()).put("shown", out.size());
  }
}
