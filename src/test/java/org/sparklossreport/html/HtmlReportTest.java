package org.sparklossreport.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.report.ReportRows;

/**
 * The page of {@link HtmlReport} from hand-made report rows (no Spark): self-contained, one value chart
 * per loss, the embedded data equal to the rows, and the bounds of a big report (top and bottom keys with a
 * note; the table cap with a note), regressions first, the trend over a date key and the gates.
 */
class HtmlReportTest {
  private static final StructType SCHEMA = ReportRows.schema(List.of(
      DataTypes.createStructField("date", DataTypes.StringType, true),
      DataTypes.createStructField("model", DataTypes.StringType, true)));
  private static final Timestamp AT = Timestamp.valueOf("2026-11-30 06:00:00.123456");
  private static final RunSummary RUN = new RunSummary("parquet preds/", "report/", 1234L, null);

  /** A report row: keys date and model (null for overall), value and interval, comparison. */
  private static Row row(String date, String model, String loss, Double value, Double low, Double high,
      Double delta, Double deltaLow, Double deltaHigh) {
    String grouping = date == null && model == null ? "overall" : date == null ? "model" : model == null ? "date"
        : "date,model";
    return RowFactory.create(date, model, grouping, loss, value, 100L, 2L, "null=2", 99.5, null,
        low == null ? null : (high - low) / 4, low, high, delta == null ? null : value - delta, delta,
        deltaLow == null ? null : (deltaHigh - deltaLow) / 4, deltaLow, deltaHigh, "run-1", AT);
  }

  private static Document render(List<Row> rows, List<GateOutcome> gates, Path tmp) throws IOException {
    Path file = tmp.resolve("out/report.html");
    HtmlReport.write(file, rows, SCHEMA, RUN, gates, Bounds.DEFAULT);
    assertFalse(Files.list(file.getParent()).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")),
        "the temporary file is left");
    return HtmlPages.parse(file);
  }

  @Test
  void aSmallReportIsSelfContainedWithOneValueChartPerLossAndItsRowsToFullPrecision(@TempDir Path tmp)
      throws IOException {
    Random r = new Random(18);
    List<Row> rows = new ArrayList<>();
    List<String> losses = List.of("mse", "huber(delta=1.5)", "mse_gradient.gradient_norm");
    for (String loss : losses) {
      rows.add(row(null, null, loss, r.nextDouble(), null, null, null, null, null));
      for (String date : List.of("2026-11-01", "2026-11-02")) {
        for (String model : List.of("a", "b")) {
          double v = r.nextDouble() * 1e-3 + Math.PI;
          rows.add(row(date, model, loss, v, v - r.nextDouble(), v + r.nextDouble(), null, null, null));
        }
      }
    }
    rows.add(row("2026-11-03", "a", "mse", Double.POSITIVE_INFINITY, null, null, null, null, null));
    rows.add(row("2026-11-03", "b", "mse", null, null, null, null, null, null));

    Document page = render(rows, List.of(), tmp);
    HtmlPages.assertSelfContained(page);
    List<String> charted = HtmlPages.valueChartLosses(page);
    assertEquals(losses.stream().sorted().toList(), charted);
    JsonNode data = HtmlPages.data(page);
    HtmlPages.assertTableEquals(rows, SCHEMA, data);
    // each charted point is its row's value, bit for bit, with its interval
    for (JsonNode loss : data.path("losses")) {
      for (JsonNode p : loss.path("values").path("points")) {
        Row expected = rows.stream().filter(x -> x.getString(3).equals(loss.path("loss").asText())
            && ("date=" + x.getString(0) + ",model=" + x.getString(1)).equals(p.get(0).asText())).findFirst().orElseThrow();
        HtmlPages.assertCell(expected.get(4), p.get(1), "value");
        HtmlPages.assertCell(expected.get(11), p.get(2), "ci_low");
        HtmlPages.assertCell(expected.get(12), p.get(3), "ci_high");
      }
    }
    Element summary = page.getElementById("summary");
    assertTrue(summary.text().contains("parquet preds/") && summary.text().contains("1,234"), summary.text());
    assertTrue(summary.text().contains("run-1") && summary.text().contains("2026-11-30T06:00:00.123456Z"), summary.text());
    assertTrue(page.getElementById("invalid").text().contains("null=2"), page.getElementById("invalid").text());
    assertTrue(page.getElementById("table-note").text().startsWith("All " + rows.size() + " report rows"));
    assertTrue(page.select("#gates").isEmpty(), "no gates section without gates");
  }

  @Test
  void aBigReportChartsTheTopAndBottomKeysAndSaysHowManyItLeftOut(@TempDir Path tmp) throws IOException {
    Random r = new Random(300);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      rows.add(row(null, "m" + k, "mae", r.nextGaussian(), null, null, null, null, null));
    }
    List<Row> byValue = new ArrayList<>(rows);
    byValue.sort(Comparator.comparingDouble((Row x) -> x.getDouble(4)).reversed());
    List<String> expected = new ArrayList<>();
    byValue.subList(0, 25).forEach(x -> expected.add("model=" + x.getString(1)));
    byValue.subList(275, 300).forEach(x -> expected.add("model=" + x.getString(1)));

    Document page = render(rows, List.of(), tmp);
    JsonNode values = HtmlPages.data(page).path("losses").get(0).path("values");
    List<String> charted = new ArrayList<>();
    values.path("points").forEach(p -> charted.add(p.get(0).asText()));
    assertEquals(expected, charted);
    assertEquals(250, values.path("leftOut").asInt());
    Element note = page.selectFirst("section.loss .left-out");
    assertNotNull(note, "no visible note of what was left out");
    assertEquals("Showing the 25 highest and the 25 lowest of 300 keyed rows; 250 left out of this chart (all are in"
        + " the report file).", note.text());
    HtmlPages.assertTableEquals(rows, SCHEMA, HtmlPages.data(page));
  }

  @Test
  void theTableIsCappedWithANoteAndTheDataStaysExactForTheRowsItHolds(@TempDir Path tmp) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 3000; k++) {
      for (String loss : List.of("mse", "mae")) {
        rows.add(row(null, String.format("m%04d", k), loss, k / 7.0, null, null, null, null, null));
      }
    }
    Document page = render(rows, List.of(), tmp);
    JsonNode table = HtmlPages.data(page).path("table");
    assertEquals(6000, table.path("total").asInt());
    assertEquals(Bounds.DEFAULT.tableRows(), table.path("rows").size());
    assertEquals("The table holds the first 5,000 of 6,000 report rows (by loss, grouping and key); 1,000 left out to"
        + " bound the file size. Render a part with html --where to see the rest.", page.getElementById("table-note").text());
    // the first 5,000 by loss then key: every mae row (3,000), then the first 2,000 mse rows
    JsonNode last = table.path("rows").get(4999);
    assertEquals("mse", last.get(3).asText());
    assertEquals("m1999", last.get(1).asText());
    HtmlPages.assertCell(1999 / 7.0, last.get(4), "value");
    assertTrue(Files.size(tmp.resolve("out/report.html")) < 3_000_000, "file size bounded");
  }

  @Test
  void comparisonsChartRegressionsFirst(@TempDir Path tmp) throws IOException {
    Random r = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 80; k++) {
      double delta = r.nextGaussian();
      boolean intervals = k % 5 != 0;
      rows.add(row("2026-11-0" + (1 + k % 3), "cand" + k, "log_loss", 1 + delta, intervals ? delta - 0.5 : null,
          intervals ? delta + 0.5 : null, delta, intervals ? delta - 0.5 : null, intervals ? delta + 0.5 : null));
    }
    rows.add(row("2026-11-01", "prod", "log_loss", 1.0, null, null, null, null, null));
    List<Row> order = new ArrayList<>(rows.subList(0, 80));
    order.sort(Comparator.comparing((Row x) -> (Double) x.get(16), Comparator.nullsLast(Comparator.reverseOrder()))
        .thenComparing((Row x) -> x.getDouble(14), Comparator.reverseOrder()));

    Document page = render(rows, List.of(), tmp);
    JsonNode deltas = HtmlPages.data(page).path("losses").get(0).path("deltas");
    assertEquals(80, deltas.path("total").asInt());
    assertEquals(30, deltas.path("leftOut").asInt());
    long significant = rows.stream().filter(x -> x.get(16) != null && x.getDouble(16) > 0).count();
    assertEquals(significant, deltas.path("significant").asLong());
    for (int i = 0; i < 50; i++) {
      Row expected = order.get(i);
      JsonNode p = deltas.path("points").get(i);
      assertEquals("date=" + expected.getString(0) + ",model=" + expected.getString(1), p.get(0).asText());
      HtmlPages.assertCell(expected.get(14), p.get(1), "delta");
      HtmlPages.assertCell(expected.get(16), p.get(2), "delta_ci_low");
    }
    assertEquals(1, page.select("div.chart[data-kind=deltas]").size());
    assertTrue(page.select("section.loss .left-out").text().contains("the first 50 shown, 30 left out"));
  }

  @Test
  void aStringKeyOfIsoDatesGivesATrendPerOtherKey(@TempDir Path tmp) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String date : List.of("2026-11-03", "2026-11-01", "2026-11-02")) {
      for (String model : List.of("b", "a")) {
        rows.add(row(date, model, "mse", date.hashCode() % 97 + model.hashCode() / 1e3, null, null, null, null, null));
      }
    }
    Document page = render(rows, List.of(), tmp);
    JsonNode trend = HtmlPages.data(page).path("losses").get(0).path("trend");
    assertEquals("date", trend.path("dateColumn").asText());
    assertEquals(List.of("2026-11-01", "2026-11-02", "2026-11-03"),
        List.of(trend.path("dates").get(0).asText(), trend.path("dates").get(1).asText(), trend.path("dates").get(2).asText()));
    for (JsonNode s : trend.path("series")) {
      String model = s.path("name").asText().substring("model=".length());
      for (int i = 0; i < 3; i++) {
        String date = trend.path("dates").get(i).asText();
        HtmlPages.assertCell(date.hashCode() % 97 + model.hashCode() / 1e3, s.path("values").get(i), date + " " + model);
      }
    }
    assertEquals(1, page.select("div.chart[data-kind=trend]").size());
  }

  @Test
  void anEmptyReportGivesAPageThatSaysSo(@TempDir Path tmp) throws IOException {
    Document page = render(List.of(), List.of(), tmp);
    HtmlPages.assertSelfContained(page);
    assertTrue(HtmlPages.valueChartLosses(page).isEmpty());
    assertNotNull(page.getElementById("no-rows"));
    assertEquals(0, HtmlPages.data(page).path("table").path("total").asInt());
  }

  @Test
  void gateOutcomesAreShownWithPassOrFail(@TempDir Path tmp) throws IOException {
    List<Row> rows = List.of(row(null, null, "mse", 0.3, null, null, null, null, null));
    GateOutcome failed = new GateOutcome(Gate.parse("mse > 0.25"), 1, 1, 0,
        List.of(new GateOutcome.Failure("overall", "", 0.3)));
    GateOutcome passed = new GateOutcome(Gate.parse("overall: mse > 1"), 1, 0, 0, List.of());
    Document page = render(rows, List.of(failed, passed), tmp);
    Element gates = page.getElementById("gates");
    assertNotNull(gates);
    assertEquals("Gates: 1 failed", gates.selectFirst("h2").text());
    assertEquals("mse > 0.25 FAIL 1 1 0 overall value=0.3", gates.selectFirst("tr.fail").text());
    assertEquals("overall: mse > 1 pass 1 0 0", gates.selectFirst("tr.pass").text());
    assertEquals(2, HtmlPages.data(page).path("gates").size());
  }
}
