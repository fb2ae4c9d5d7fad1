package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;
import static org.sparklossreport.testing.JobFixtures.ok;
import static org.sparklossreport.testing.JobFixtures.usageError;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.html.HtmlPages;
import org.sparklossreport.output.ReportReader;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * The HTML report through {@link Main#run} (issue 18): {@code --html} on the job and on {@code rollup}, and
 * the {@code html} command over Parquet and JSON reports; each page checked against the report read back
 * (every row, every cell to full precision) and for being self-contained; the mistakes exit 2.
 */
@SparkTest
class HtmlCommandTest {
  private static final List<String> LOSSES = List.of("mse", "mae", "huber(delta=1.5)");

  private static String input(SparkSession spark, Path tmp) {
    return JobFixtures.writeParquet(spark, JobFixtures.generate(400, 18, D1, D2), tmp.resolve("in"), 2);
  }

  private static List<String> distinctLosses(Dataset<Row> report) {
    return report.select("loss").distinct().orderBy("loss").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void theJobWritesThePageOfItsRunWithIntervalsComparisonAndGates(SparkSession spark, @TempDir Path tmp)
      throws IOException {
    String out = tmp.resolve("report").toString();
    Path html = tmp.resolve("pages/run.html");
    JobFixtures.Outcome o = JobFixtures.run("--input", input(spark, tmp), "--partition-by", "date,model", "--losses",
        String.join(",", LOSSES), "--ci", "jackknife", "--compare-by", "model", "--baseline", "a",
        "--fail-if", "mse > 0.1", "--output", out, "--html", html.toString());
    assertEquals(3, o.code(), o.toString()); // the gate fails, the report and the page are written
    assertTrue(o.out().contains("html report: "), o.out());

    Dataset<Row> report = spark.read().parquet(out);
    Document page = HtmlPages.parse(html);
    HtmlPages.assertSelfContained(page);
    assertEquals(distinctLosses(report), HtmlPages.valueChartLosses(page));
    JsonNode data = HtmlPages.data(page);
    HtmlPages.assertTableEquals(report.collectAsList(), report.schema(), data);
    assertEquals(LOSSES.size(), page.select("div.chart[data-kind=deltas]").size(), "model b against a, per loss");
    assertEquals(LOSSES.size(), page.select("div.chart[data-kind=trend]").size(), "date is an ISO date key");
    assertTrue(data.path("losses").get(0).path("values").path("intervals").asBoolean());
    assertEquals("FAIL", page.select("#gates tr.fail td").get(1).text());
    assertTrue(page.getElementById("summary").text().contains("400"), "input rows");
  }

  @Test
  void aRerunPageHoldsOnlyThatRunsRowsAndRollupWritesItsPage(SparkSession spark, @TempDir Path tmp)
      throws IOException {
    String in = input(spark, tmp);
    String out = tmp.resolve("report").toString();
    String states = tmp.resolve("states").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse,mae", "--output", out, "--states", states);
    Path html = tmp.resolve("mse.html");
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse", "--output", out, "--html", html.toString());
    Dataset<Row> report = spark.read().parquet(out);
    String runId = report.where("loss = 'mse'").select("run_id").first().getString(0);
    HtmlPages.assertTableEquals(report.where(functions.col("run_id").equalTo(runId)).collectAsList(), report.schema(),
        HtmlPages.data(HtmlPages.parse(html)));
    assertEquals(2, distinctLosses(report).size(), "mae kept in the report, not on this run's page");

    String weekly = tmp.resolve("weekly").toString();
    Path rolled = tmp.resolve("weekly.html");
    JobFixtures.Outcome o = ok("rollup", "--states", states, "--grouping-sets", "model;overall", "--output", weekly,
        "--output-format", "json", "--html", rolled.toString());
    assertTrue(o.out().contains("html report: "), o.out());
    Document page = HtmlPages.parse(rolled);
    HtmlPages.assertSelfContained(page);
    Dataset<Row> rollup = ReportReader.read(spark, weekly, "json", null);
    assertEquals(List.of("mae", "mse"), HtmlPages.valueChartLosses(page));
    HtmlPages.assertTableEquals(rollup.collectAsList(), rollup.schema(), HtmlPages.data(page));
    assertTrue(page.getElementById("summary").text().contains("states "), page.getElementById("summary").text());
  }

  @Test
  void theHtmlCommandRendersParquetAndJsonReportsDetectingTheFormat(SparkSession spark, @TempDir Path tmp)
      throws IOException {
    String in = input(spark, tmp);
    for (String format : List.of("parquet", "json")) {
      String out = tmp.resolve("report-" + format).toString();
      ok("--input", in, "--partition-by", "date,model", "--losses", String.join(",", LOSSES), "--output", out,
          "--output-format", format);
      Path html = tmp.resolve(format + ".html");
      JobFixtures.Outcome o = ok("html", "--report", out, "--html", html.toString());
      assertTrue(o.out().contains("html report: "), o.out());
      Document page = HtmlPages.parse(html);
      HtmlPages.assertSelfContained(page);
      Dataset<Row> report = JobFixtures.readReport(spark, out, format, JobFixtures.REPORT);
      assertEquals(distinctLosses(report), HtmlPages.valueChartLosses(page), format);
      HtmlPages.assertTableEquals(report.collectAsList(), report.schema(), HtmlPages.data(page));
      assertTrue(page.getElementById("summary").text().contains("(" + format + ")"), format);

      Path mse = tmp.resolve(format + "-mse.html");
      ok("html", "--report", out, "--report-format", format, "--where", "loss = 'mse'", "--html", mse.toString());
      Document filtered = HtmlPages.parse(mse);
      assertEquals(List.of("mse"), HtmlPages.valueChartLosses(filtered));
      HtmlPages.assertTableEquals(report.where("loss = 'mse'").collectAsList(), report.schema(), HtmlPages.data(filtered));
      assertTrue(filtered.getElementById("summary").text().contains("loss = 'mse'"));
    }
  }

  @Test
  void mistakesExitTwoNamingTheOption(SparkSession spark, @TempDir Path tmp) throws IOException {
    String in = input(spark, tmp);
    String out = tmp.resolve("report").toString();
    ok("--input", in, "--partition-by", "date", "--losses", "mse", "--output", out);
    String html = tmp.resolve("r.html").toString();
    assertTrue(usageError("html", "--html", html).contains("--report"));
    assertTrue(usageError("html", "--report", out).contains("--html"));
    assertTrue(usageError("html", "--report", out, "--report-format", "xml", "--html", html).contains("--report-format"));
    assertTrue(usageError("html", "--report", tmp.resolve("nothing").toString(), "--html", html).contains("--report"));
    assertTrue(usageError("html", "--report", in, "--html", html).contains("not a loss report"), "predictions");
    assertTrue(usageError("html", "--report", out, "--where", "no_such_column = 1", "--html", html).contains("--where"));
    assertTrue(usageError("html", "--report", out, "--input", in, "--html", html).contains("--input"));
    assertTrue(usageError("html", "--report", out, "--html", tmp.toString()).contains("--html"), "a directory");
    assertTrue(usageError("html", "--report", out, "--html", out + "/inside.html").contains("--html"));
    assertTrue(usageError("--input", in, "--losses", "mse", "--output", out, "--html", tmp.toString())
        .contains("--html"));
    assertTrue(usageError("--input", in, "--losses", "mse", "--output", out, "--report", out).contains("--report"));
    assertTrue(usageError("rollup", "--states", out, "--output", out + "2", "--html", tmp.toString()).contains("--html"));
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertTrue(usageError("html", "--report", out, "--html", file.resolve("r.html").toString()).contains("--html"));
    assertFalse(Files.exists(Path.of(html)), "no page from a mistake");
  }

  @Test
  void aJobFileMayNameThePage(SparkSession spark, @TempDir Path tmp) throws IOException {
    Path html = tmp.resolve("from-job-file.html");
    Path job = Files.writeString(tmp.resolve("job.yaml"), "input: " + input(spark, tmp) + "\npartition_by: [model]\n"
        + "losses: [mse]\noutput: " + tmp.resolve("report") + "\nhtml: " + html + "\n");
    ok("--config", job.toString());
    Dataset<Row> report = spark.read().parquet(tmp.resolve("report").toString());
    HtmlPages.assertTableEquals(report.collectAsList(), report.schema(), HtmlPages.data(HtmlPages.parse(html)));
  }

  @Test
  void helpNamesTheCommandAndItsOptions() {
    JobFixtures.Outcome o = ok("html", "--help");
    for (String option : List.of("--report PATH", "--report-format FMT", "--where SQL", "--html FILE")) {
      assertTrue(o.out().contains(option), option + " in\n" + o.out());
    }
    assertTrue(ok("--help").out().contains("submit/loss-report html --report PATH --html FILE"));
    assertTrue(ok("rollup", "--help").out().contains("--html FILE"));
  }
}
