package org.sparklossreport.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The page around the data: static HTML for the summary, the gates, one section per loss with its chart
 * containers and the notes of what was left out (so that they read without scripts), then the styles,
 * the ECharts library and the page's script inline. A Content-Security-Policy of {@code default-src 'none'}
 * makes the browser refuse any network request the page might make.
 */
final class Page {
  /** The ECharts build inlined, from the {@code org.webjars.npm:echarts} jar. */
  static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

  private Page() {}

  static String render(ObjectNode model, String json) throws IOException {
    StringBuilder b = new StringBuilder(json.length() + 1_200_000);
    JsonNode s = model.get("summary");
    b.append("<!DOCTYPE html>\n<html lang=\"en\" data-errors=\"0\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Loss report: ").append(esc(s.path("report").asText(""))).append("</title>\n")
        .append("<script>").append(resource("errors.js")).append("</script>\n")
        .append("<style>").append(resource("report.css")).append("</style>\n</head>\n<body>\n")
        .append("<pre id=\"errors\" hidden></pre>\n<h1>Loss report</h1>\n");
    summary(b, s);
    gates(b, model.get("gates"));
    Anomalies.render(b, model.get("anomalies"));
    losses(b, model.get("losses"), model.get("bounds"));
    table(b, model.get("table"));
    b.append("<script type=\"application/json\" id=\"report-data\">").append(json).append("</script>\n")
        .append("<script id=\"echarts-library\">").append(resource(Page.class.getClassLoader(), ECHARTS))
        .append("</script>\n<script>").append(resource("report.js")).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void summary(StringBuilder b, JsonNode s) {
    b.append("<section id=\"summary\"><h2>Run</h2><dl>");
    item(b, "input", s.path("source").asText("(not recorded)"));
    item(b, "report", s.path("report").asText(""));
    if (!s.path("filter").isNull() && s.has("filter")) {
      item(b, "rows selected by", s.path("filter").asText());
    }
    item(b, "input rows", s.path("inputRows").isNull() ? "(not recorded)" : count(s.path("inputRows").asLong()));
    item(b, "report rows", count(s.path("reportRows").asLong()));
    item(b, "scope (--where)", join(s.path("scopes")));
    item(b, "run id", join(s.path("runIds")));
    String from = s.path("computedFrom").asText("");
    String to = s.path("computedTo").asText("");
    item(b, "computed at", from.equals(to) ? from : from + " to " + to);
    StringBuilder g = new StringBuilder();
    s.path("groupings").fields().forEachRemaining(e -> g.append(g.length() == 0 ? "" : "; ").append(e.getKey())
        .append(": ").append(count(e.getValue().asLong())).append(" row(s)"));
    item(b, "groupings", g.toString());
    b.append("</dl><h3>Invalid rows by reason (overall rows)</h3>");
    if (s.path("invalid").isEmpty()) {
      b.append("<p class=\"note\">The report has no overall rows.</p>");
    } else {
      b.append("<table class=\"small\" id=\"invalid\"><thead><tr><th>loss</th><th>rows</th><th>invalid_rows</th>"
          + "<th>invalid_reasons</th></tr></thead><tbody>");
      for (JsonNode i : s.path("invalid")) {
        b.append("<tr><td>").append(esc(i.path("loss").asText())).append("</td><td>").append(esc(i.path("rows").asText()))
            .append("</td><td>").append(esc(i.path("invalidRows").asText())).append("</td><td>")
            .append(esc(i.path("reasons").isNull() ? "none" : i.path("reasons").asText())).append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("</section>\n");
  }

  private static void gates(StringBuilder b, JsonNode gates) {
    if (gates.isEmpty()) {
      return;
    }
    long failed = 0;
    for (JsonNode g : gates) {
      failed += g.path("passed").asBoolean() ? 0 : 1;
    }
    b.append("<section id=\"gates\"><h2>Gates: ").append(failed == 0 ? "all passed" : failed + " failed")
        .append("</h2><table class=\"small\"><thead><tr><th>gate</th><th>outcome</th><th>rows checked</th>"
            + "<th>rows failing</th><th>rows without the field</th><th>worst failing rows</th></tr></thead><tbody>");
    for (JsonNode g : gates) {
      boolean passed = g.path("passed").asBoolean();
      StringBuilder worst = new StringBuilder();
      for (JsonNode w : g.path("worst")) {
        String keys = w.path("keys").asText();
        worst.append(worst.length() == 0 ? "" : "; ").append(keys.isEmpty() ? w.path("grouping").asText() : keys)
            .append(' ').append(g.path("field").asText()).append('=').append(w.path("value").asText());
      }
      b.append("<tr class=\"").append(passed ? "pass" : "fail").append("\"><td>").append(esc(g.path("condition").asText()))
          .append("</td><td>").append(passed ? "pass" : "FAIL").append("</td><td>").append(g.path("checked").asLong())
          .append("</td><td>").append(g.path("failed").asLong()).append("</td><td>").append(g.path("nulls").asLong())
          .append("</td><td>").append(esc(worst.toString())).append("</td></tr>");
    }
    b.append("</tbody></table></section>\n");
  }

  private static void losses(StringBuilder b, JsonNode losses, JsonNode bounds) {
    b.append("<section id=\"losses\"><h2>Losses</h2><nav>");
    for (int i = 0; i < losses.size(); i++) {
      b.append("<a href=\"#loss-").append(i).append("\">").append(esc(losses.get(i).path("loss").asText())).append("</a> ");
    }
    b.append("</nav>\n");
    if (losses.isEmpty()) {
      b.append("<p class=\"note left-out\" id=\"no-rows\">The report has no rows to chart (an empty report, or a --where"
          + " that selects none).</p>\n");
    }
    for (int i = 0; i < losses.size(); i++) {
      JsonNode l = losses.get(i);
      JsonNode v = l.get("values");
      b.append("<section class=\"loss\" id=\"loss-").append(i).append("\" data-loss=\"").append(esc(l.path("loss").asText()))
          .append("\"><h3>").append(esc(l.path("loss").asText())).append("</h3>\n<p>overall: ")
          .append(esc(v.path("overall").isNull() ? "no overall row or no value" : v.path("overall").asText()))
          .append("</p>\n").append(Notes.values(v)).append('\n');
      chart(b, "values", i);
      JsonNode trend = l.get("trend");
      if (trend != null && !trend.isNull()) {
        b.append("<h4>Trend over ").append(esc(trend.path("dateColumn").asText())).append(" (grouping ")
            .append(esc(trend.path("grouping").asText())).append(")</h4>\n").append(Notes.trend(trend, bounds)).append('\n');
        chart(b, "trend", i);
      }
      JsonNode deltas = l.get("deltas");
      if (deltas != null && !deltas.isNull()) {
        b.append("<h4>Candidate vs baseline: delta = value - baseline_value, regressions first</h4>\n")
            .append(Notes.deltas(deltas)).append('\n');
        chart(b, "deltas", i);
      }
      b.append("</section>\n");
    }
    b.append("</section>\n");
  }

  private static void chart(StringBuilder b, String kind, int index) {
    b.append("<div class=\"chart\" data-kind=\"").append(kind).append("\" data-index=\"").append(index).append("\"></div>\n");
  }

  private static void table(StringBuilder b, JsonNode t) {
    b.append("<section id=\"report\"><h2>Report table</h2>\n").append(Notes.table(t)).append('\n')
        .append("<p><input id=\"filter\" type=\"search\" placeholder=\"filter rows (text in any cell)\" size=\"40\">")
        .append(" <span id=\"table-count\"></span> <small>click a column header to sort</small></p>\n")
        .append("<div class=\"scroll\"><table id=\"report-table\"><thead><tr>");
    for (JsonNode c : t.path("columns")) {
      b.append("<th title=\"").append(esc(c.path("type").asText())).append("\">").append(esc(c.path("name").asText())).append("</th>");
    }
    b.append("</tr></thead><tbody></tbody></table></div></section>\n");
  }

  private static void item(StringBuilder b, String term, String value) {
    b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>");
  }

  private static String join(JsonNode array) {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (JsonNode x : array) {
      if (n++ < 10) {
        b.append(b.length() == 0 ? "" : ", ").append(x.asText());
      }
    }
    return n > 10 ? b + " and " + (n - 10) + " more" : b.toString();
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String resource(String name) throws IOException {
    return resource(Page.class.getClassLoader(), "org/sparklossreport/html/" + name);
  }

  private static String resource(ClassLoader loader, String path) throws IOException {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("'" + path + "' is not on the classpath (the HTML report needs it: is the"
            + " org.webjars.npm:echarts jar missing?)");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replace("</script", "<\\/script"); // cannot end the inline script early
    }
  }
}
