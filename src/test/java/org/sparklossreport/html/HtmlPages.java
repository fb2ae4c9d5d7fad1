package org.sparklossreport.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Test support for HTML reports: parses a page with jsoup and checks what every page must be (no
 * resource from the network, the ECharts library verbatim, one value chart per loss) and that its
 * embedded data is the report's rows.
 */
public final class HtmlPages {
  private static final Pattern URL = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");

  private HtmlPages() {}

  public static Document parse(Path file) throws IOException {
    return Jsoup.parse(file.toFile(), "UTF-8");
  }

  /** The JSON the page embeds. */
  public static JsonNode data(Document page) throws IOException {
    Element script = page.getElementById("report-data");
    assertNotNull(script, "no #report-data");
    assertEquals("application/json", script.attr("type"));
    return new ObjectMapper().readTree(script.data());
  }

  /**
   * Nothing would be fetched: no external script, stylesheet, image or frame; no URL in an attribute,
   * style or script of the page's own; the inlined library equals the webjar's file; a policy of
   * {@code default-src 'none'}.
   */
  public static void assertSelfContained(Document page) throws IOException {
    assertTrue(page.select("script[src], link, img[src], iframe, object, embed, base").isEmpty(),
        "external resource elements: " + page.select("script[src], link, img[src], iframe, object, embed, base"));
    for (Element e : page.getAllElements()) {
      for (Attribute a : e.attributes()) {
        assertFalse(URL.matcher(a.getValue()).find(), "URL in " + e.tagName() + "[" + a.getKey() + "]: " + a.getValue());
      }
    }
    Element csp = page.selectFirst("meta[http-equiv=Content-Security-Policy]");
    assertNotNull(csp, "no Content-Security-Policy");
    assertTrue(csp.attr("content").startsWith("default-src 'none';"), csp.attr("content"));
    assertFalse(csp.attr("content").contains("http"), csp.attr("content"));
    Element library = page.getElementById("echarts-library");
    assertNotNull(library, "ECharts is not inlined");
    assertEquals(webjarECharts(), library.data(), "the inlined library differs from the webjar's echarts.min.js");
    for (Element s : page.select("script, style")) {
      if (s != library) {
        assertFalse(s.data().contains("http://") || s.data().contains("https://"), "a URL in " + s.cssSelector());
        assertFalse(s.data().contains("fetch(") || s.data().contains("XMLHttpRequest") || s.data().contains("@import"),
            "a network call in " + s.cssSelector());
      }
    }
  }

  private static String webjarECharts() throws IOException {
    try (InputStream in = HtmlPages.class.getClassLoader()
        .getResourceAsStream("META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js")) {
      assertNotNull(in, "the echarts webjar is not on the test classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
    }
  }

  /** The loss of each value chart container, in page order (one container per loss). */
  public static List<String> valueChartLosses(Document page) {
    List<String> out = new ArrayList<>();
    for (Element chart : page.select("div.chart[data-kind=values]")) {
      Element section = chart.closest("section.loss");
      assertNotNull(section, "a value chart outside a loss section");
      out.add(section.attr("data-loss"));
    }
    return out;
  }

  /**
   * The embedded table equals {@code rows}: the same number of rows, and each row's cells equal the
   * report's to full precision (doubles bit for bit; ±Infinity as text; timestamps as ISO instants).
   */
  public static void assertTableEquals(List<Row> rows, StructType schema, JsonNode data) {
    JsonNode table = data.path("table");
    List<String> columns = new ArrayList<>();
    table.path("columns").forEach(c -> columns.add(c.path("name").asText()));
    assertEquals(List.of(schema.fieldNames()), columns);
    assertEquals(rows.size(), table.path("total").asInt());
    assertEquals(rows.size(), table.path("rows").size(), "every row embedded (no cap reached here)");
    Map<String, JsonNode> embedded = new HashMap<>();
    table.path("rows").forEach(r -> assertTrue(embedded.put(identity(r, columns), r) == null, "duplicate " + r));
    for (Row row : rows) {
      JsonNode cells = embedded.get(identity(row, columns));
      assertNotNull(cells, "row not embedded: " + row);
      for (int i = 0; i < columns.size(); i++) {
        assertCell(row.get(i), cells.get(i), columns.get(i));
      }
    }
  }

  private static String identity(JsonNode r, List<String> columns) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < columns.indexOf("value"); i++) {
      b.append(r.get(i).isNull() ? "null" : r.get(i).asText()).append('|');
    }
    return b.toString();
  }

  private static String identity(Row r, List<String> columns) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < columns.indexOf("value"); i++) {
      b.append(r.isNullAt(i) ? "null" : r.get(i) instanceof java.sql.Date d ? d.toLocalDate() : r.get(i)).append('|');
    }
    return b.toString();
  }

  static void assertCell(Object expected, JsonNode actual, String column) {
    if (expected == null) {
      assertTrue(actual.isNull(), column + ": expected null, got " + actual);
    } else if (expected instanceof Double d && !Double.isFinite(d)) {
      assertEquals(d.toString(), actual.asText(), column);
    } else if (expected instanceof Double d) {
      assertTrue(actual.isNumber(), column + ": " + actual);
      assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(actual.doubleValue()), column + ": " + d + " vs " + actual);
    } else if (expected instanceof Long l) {
      assertEquals(l.longValue(), actual.longValue(), column);
    } else if (expected instanceof Timestamp t) {
      assertEquals(t.toInstant(), Instant.parse(actual.asText()), column);
    } else if (expected instanceof java.sql.Date d) {
      assertEquals(d.toLocalDate().toString(), actual.asText(), column);
    } else {
      assertEquals(String.valueOf(expected), actual.asText(), column);
    }
  }
}
