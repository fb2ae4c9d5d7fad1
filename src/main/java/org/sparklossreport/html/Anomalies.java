package org.sparklossreport.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The anomalies of a report written with a history ({@code anomaly} true): per row its key, loss, value,
 * expected, band and z, worst (largest |z|) first, at most {@link #LISTED}; null when the report has no
 * {@code anomaly} column.
 */
final class Anomalies {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Anomalies listed on the page. */
  static final int LISTED = 50;

  private Anomalies() {}

  static ArrayNode of(List<Row> rows, ReportColumns c) {
    if (!c.has("anomaly")) {
      return null;
    }
    List<Row> found = new ArrayList<>();
    for (Row r : rows) {
      if (Boolean.TRUE.equals(c.get(r, "anomaly")) || "true".equalsIgnoreCase(c.text(r, "anomaly"))) {
        found.add(r);
      }
    }
    found.sort(Comparator.comparingDouble((Row r) -> {
      Double z = c.number(r, "z");
      return z == null ? Double.NEGATIVE_INFINITY : -Math.abs(z);
    }).thenComparing(r -> String.valueOf(c.keyLabel(r))));
    ArrayNode out = F.arrayNode();
    for (Row r : found.subList(0, Math.min(LISTED, found.size()))) {
      ObjectNode a = out.addObject().put("key", c.keyLabel(r)).put("loss", c.text(r, "loss"));
      for (String f : List.of("value", "expected", "band_low", "band_high", "z")) {
        a.set(f, ReportColumns.json(c.number(r, f)));
      }
    }
    return out;
  }

  /** The page's list: a table, or a line saying there is none. */
  static void render(StringBuilder b, JsonNode anomalies) {
    if (anomalies == null || anomalies.isNull()) {
      return;
    }
    b.append("<section id=\"anomalies\"><h2>Anomalies: ").append(anomalies.size() == 0 ? "none" : anomalies.size()
        + (anomalies.size() == LISTED ? " or more" : "") + ", worst first").append("</h2>");
    if (anomalies.size() > 0) {
      b.append("<table class=\"small\"><thead><tr><th>key</th><th>loss</th><th>value</th><th>expected</th>"
          + "<th>band</th><th>z</th></tr></thead><tbody>");
      for (JsonNode a : anomalies) {
        b.append("<tr class=\"fail\"><td>").append(Page.esc(a.path("key").asText())).append("</td><td>")
            .append(Page.esc(a.path("loss").asText())).append("</td><td>").append(a.path("value").asText())
            .append("</td><td>").append(a.path("expected").asText()).append("</td><td>[")
            .append(a.path("band_low").asText()).append(", ").append(a.path("band_high").asText()).append("]</td><td>")
            .append(a.path("z").asText()).append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("</section>\n");
  }
}
