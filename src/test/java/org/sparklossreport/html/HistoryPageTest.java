package org.sparklossreport.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.history.HistoryColumns;
import org.sparklossreport.report.ReportRows;

/**
 * The page of a report written with a history (no Spark): the trend of a loss carries each series' band
 * and anomalies, and the anomalies are listed worst (largest |z|) first; a report without history columns
 * has neither.
 */
class HistoryPageTest {
  private static final StructType SCHEMA;

  static {
    StructType s = ReportRows.schema(List.of(DataTypes.createStructField("date", DataTypes.StringType, true),
        DataTypes.createStructField("model", DataTypes.StringType, true)));
    for (StructField f : HistoryColumns.SCHEMA.fields()) {
      s = s.add(f);
    }
    SCHEMA = s;
  }

  /** A banded row: value, band [low, high] around expected, z, anomaly. */
  private static Row row(String date, String model, double value, Double low, Double high, Double z, boolean anomaly) {
    Double expected = low == null ? null : (low + high) / 2;
    return RowFactory.create(date, model, "date,model", "mse", value, 100L, 0L, null, 100.0, null, null, null, null,
        null, null, null, null, null, "run", Timestamp.valueOf("2026-11-30 06:00:00"), expected, low, high,
        low == null ? null : "normal", low == null ? 0 : 7, z, low == null ? null : anomaly);
  }

  private static Document page(List<Row> rows, Path tmp) throws IOException {
    Path file = tmp.resolve("h.html");
    HtmlReport.write(file, rows, SCHEMA, new RunSummary(null, "report/", null, null), List.of(), Bounds.DEFAULT);
    return HtmlPages.parse(file);
  }

  @Test
  void trendsCarryTheBandAndTheAnomaliesAreListedWorstFirst(@TempDir Path tmp) throws IOException {
    List<Row> rows = new ArrayList<>();
    rows.add(row("2026-11-01", "a", 1.0, null, null, null, false));
    rows.add(row("2026-11-02", "a", 1.1, 0.8, 1.2, 0.5, false));
    rows.add(row("2026-11-03", "a", 3.0, 0.9, 1.3, 12.0, true));
    rows.add(row("2026-11-02", "b", 2.0, 1.0, 3.0, 0.1, false));
    rows.add(row("2026-11-03", "b", 0.1, 1.5, 2.5, -30.0, true));
    Document page = page(rows, tmp);
    HtmlPages.assertSelfContained(page);
    JsonNode data = HtmlPages.data(page);
    JsonNode a = data.path("losses").get(0).path("trend").path("series").get(0);
    assertEquals("model=a", a.path("name").asText());
    assertTrue(a.path("low").get(0).isNull(), "no band before --history-min nights");
    assertEquals(0.8, a.path("low").get(1).asDouble());
    assertEquals(1.3, a.path("high").get(2).asDouble());
    assertEquals(List.of(false, false, true), List.of(a.path("anomaly").get(0).asBoolean(),
        a.path("anomaly").get(1).asBoolean(), a.path("anomaly").get(2).asBoolean()));
    JsonNode listed = data.path("anomalies");
    assertEquals(2, listed.size());
    assertEquals(-30.0, listed.get(0).path("z").asDouble(), "largest |z| first");
    assertEquals("date=2026-11-03,model=b", listed.get(0).path("key").asText());
    Element section = page.getElementById("anomalies");
    assertTrue(section.text().contains("2, worst first"), section.text());
    assertEquals(2, section.select("tbody tr").size());
  }

  @Test
  void aReportWithoutHistoryHasNoBandsAndNoList(@TempDir Path tmp) throws IOException {
    StructType plain = ReportRows.schema(List.of(DataTypes.createStructField("date", DataTypes.StringType, true),
        DataTypes.createStructField("model", DataTypes.StringType, true)));
    List<Row> rows = new ArrayList<>();
    for (String d : List.of("2026-11-01", "2026-11-02")) {
      rows.add(RowFactory.create(d, "a", "date,model", "mse", 1.0, 1L, 0L, null, 1.0, null, null, null, null, null,
          null, null, null, null, "run", Timestamp.valueOf("2026-11-30 06:00:00")));
    }
    Path file = tmp.resolve("p.html");
    HtmlReport.write(file, rows, plain, new RunSummary(null, "report/", null, null), List.of(), Bounds.DEFAULT);
    Document page = HtmlPages.parse(file);
    assertFalse(HtmlPages.data(page).path("losses").get(0).path("trend").path("series").get(0).has("low"));
    assertEquals(null, page.getElementById("anomalies"));
  }
}
