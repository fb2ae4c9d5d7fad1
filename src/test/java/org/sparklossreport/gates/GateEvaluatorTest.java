package org.sparklossreport.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * {@link GateEvaluator} over a small report built by hand with the report's schema ({@link ReportRows#schema}):
 * groupings {@code date,model}, {@code model} and {@code overall}, two losses, null values and null intervals.
 * Every expected count and worst row below is counted by hand from {@link #ROWS}.
 */
@ExtendWith(SharedSparkSession.class)
class GateEvaluatorTest {
  private static final StructType SCHEMA = ReportRows.schema(List.of(
      DataTypes.createStructField("date", DataTypes.DateType, true),
      DataTypes.createStructField("model", DataTypes.StringType, true)));
  private static final Timestamp AT = Timestamp.valueOf("2026-11-30 12:00:00");

  /** date, model, grouping, loss, value, ci_low, ci_high, delta, delta_ci_low; the other columns filled plainly. */
  private static Row row(String date, String model, String grouping, String loss, Double value, Double ciLow,
      Double ciHigh, Double delta, Double deltaCiLow) {
    Double deltaCiHigh = deltaCiLow == null ? null : deltaCiLow + 0.1;
    return RowFactory.create(date == null ? null : Date.valueOf(date), model, grouping, loss, value, 100L, 0L, null,
        100.0, null, ciLow == null ? null : 0.01, ciLow, ciHigh, delta == null ? null : 0.3, delta,
        deltaCiLow == null ? null : 0.01, deltaCiLow, deltaCiHigh, "run-1", AT);
  }

  private static final String DM = "date,model";
  private static final List<Row> ROWS = List.of(
      //  #  date          model grouping   loss        value ci_low ci_high delta  delta_ci_low
      /* 1 */ row("2026-11-24", "a", DM, "mse", 0.30, 0.26, 0.34, 0.05, 0.01),
      /* 2 */ row("2026-11-24", "b", DM, "mse", 0.50, 0.41, 0.59, 0.20, 0.12),
      /* 3 */ row("2026-11-25", "a", DM, "mse", 0.20, 0.15, 0.25, -0.02, -0.06),
      /* 4 */ row("2026-11-25", "b", DM, "mse", 0.45, null, null, 0.10, null),
      /* 5 */ row("2026-11-25", "c", DM, "mse", null, null, null, null, null),
      /* 6 */ row("2026-11-26", "a", DM, "mse", 0.27, 0.255, 0.285, 0.01, 0.002),
      /* 7 */ row("2026-11-26", "b", DM, "mse", 0.60, 0.52, 0.68, 0.15, 0.02),
      /* 8 */ row("2026-11-26", "c", DM, "mse", 0.40, 0.30, 0.50, null, null),
      /* 9 */ row(null, "a", "model", "mse", 0.26, 0.24, 0.28, -0.01, -0.03),
      /* 10 */ row(null, "b", "model", "mse", 0.52, 0.47, 0.57, 0.12, 0.08),
      /* 11 */ row(null, "c", "model", "mse", 0.41, null, null, null, null),
      /* 12 */ row(null, null, "overall", "mse", 0.36, 0.33, 0.39, 0.04, 0.01),
      /* 13 */ row("2026-11-24", "a", DM, "log_loss", 0.90, 0.80, 1.00, null, null),
      /* 14 */ row(null, "a", "model", "log_loss", 0.75, 0.70, 0.80, null, null),
      /* 15 */ row(null, null, "overall", "log_loss", 0.70, 0.65, 0.75, null, null));

  private static Dataset<Row> report(SparkSession spark, int partitions) {
    return spark.createDataFrame(ROWS, SCHEMA).repartition(partitions);
  }

  private static GateOutcome.Failure failure(String grouping, String keys, double value) {
    return new GateOutcome.Failure(grouping, keys, value);
  }

  private static void assertOutcome(GateOutcome o, long checked, long failed, long nulls,
      List<GateOutcome.Failure> worst) {
    String c = "'" + o.gate().condition() + "'";
    assertEquals(checked, o.checked(), c + ": rows checked");
    assertEquals(failed, o.failed(), c + ": rows failed");
    assertEquals(nulls, o.nulls(), c + ": rows whose field is null");
    assertEquals(worst, o.worst(), c + ": worst failing rows, worst first, at most " + GateEvaluator.EXAMPLES);
    assertEquals(failed == 0, o.passed(), c + ": passed iff no row failed");
  }

  private static final List<String> CONDITIONS = List.of(
      "mse > 0.25",
      "overall: ci_low(mse) > 0.25",
      "date,model: ci_low(mse) > 0.25",
      "model,DATE: delta_ci_low(mse) >= 0.02",
      "delta(mse) < 0",
      "log_loss <= 0.8",
      "overall: mse > 1",
      "Model: ci_high(mse) > 0.5");

  private static List<Gate> gates() {
    return CONDITIONS.stream().map(Gate::parse).toList();
  }

  private static void assertHandCountedOutcomes(List<GateOutcome> out) {
    assertEquals(CONDITIONS.size(), out.size(), "one outcome per gate");
    for (int i = 0; i < CONDITIONS.size(); i++) {
      assertEquals(CONDITIONS.get(i), out.get(i).gate().condition(), "outcomes in the gates' order");
    }
    // mse > 0.25 over all 12 mse rows (not the log_loss rows 13-15): row 5 null; 0.20 (row 3) passes; the other
    // 10 fail. Worst (largest) first: 0.60, 0.52, 0.50, 0.45, 0.41 — 0.40 (row 8), 0.36, 0.30, 0.27, 0.26 cut.
    assertOutcome(out.get(0), 12, 10, 1, List.of(
        failure(DM, "date=2026-11-26,model=b", 0.60),
        failure("model", "model=b", 0.52),
        failure(DM, "date=2026-11-24,model=b", 0.50),
        failure(DM, "date=2026-11-25,model=b", 0.45),
        failure("model", "model=c", 0.41)));
    // overall only: row 12, ci_low 0.33 > 0.25
    assertOutcome(out.get(1), 1, 1, 0, List.of(failure("overall", "", 0.33)));
    // date,model rows 1-8: ci_low null in rows 4, 5; 0.15 passes; 0.26, 0.41, 0.255, 0.52, 0.30 fail (exactly 5)
    assertOutcome(out.get(2), 8, 5, 2, List.of(
        failure(DM, "date=2026-11-26,model=b", 0.52),
        failure(DM, "date=2026-11-24,model=b", 0.41),
        failure(DM, "date=2026-11-26,model=c", 0.30),
        failure(DM, "date=2026-11-24,model=a", 0.26),
        failure(DM, "date=2026-11-26,model=a", 0.255)));
    // "model,DATE" is date,model: rows 1-8; delta_ci_low null in rows 4, 5, 8; 0.12 and 0.02 (>= at the threshold)
    // fail; 0.01, -0.06, 0.002 pass. The model rows' 0.08 (row 10) is out of scope.
    assertOutcome(out.get(3), 8, 2, 3, List.of(
        failure(DM, "date=2026-11-24,model=b", 0.12),
        failure(DM, "date=2026-11-26,model=b", 0.02)));
    // every grouping: 12 mse rows, delta null in rows 5, 8, 11; -0.02 (row 3) and -0.01 (row 9) fail, lowest first
    assertOutcome(out.get(4), 12, 2, 3, List.of(
        failure(DM, "date=2026-11-25,model=a", -0.02),
        failure("model", "model=a", -0.01)));
    // log_loss rows 13-15: 0.90 passes; 0.70 (overall) and 0.75 (model a) fail, lowest first
    assertOutcome(out.get(5), 3, 2, 0, List.of(
        failure("overall", "", 0.70),
        failure("model", "model=a", 0.75)));
    // overall mse 0.36 is not > 1
    assertOutcome(out.get(6), 1, 0, 0, List.of());
    // model rows 9-11: ci_high 0.28, 0.57, null; only 0.57 fails
    assertOutcome(out.get(7), 3, 1, 1, List.of(failure("model", "model=b", 0.57)));
  }

  @Test
  void countsAndWorstRowsPerGate(SparkSession spark) {
    assertHandCountedOutcomes(GateEvaluator.evaluate(report(spark, 4), gates()));
  }

  @Test
  void theOutcomeDoesNotDependOnThePartitioning(SparkSession spark) {
    assertHandCountedOutcomes(GateEvaluator.evaluate(report(spark, 1), gates()));
    assertHandCountedOutcomes(GateEvaluator.evaluate(report(spark, 7), gates()));
  }

  @Test
  void everyGateIsCheckedInOneSparkJob(SparkSession spark) throws Exception {
    Dataset<Row> report = report(spark, 3);
    List<Integer> jobs = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.add(start.jobId());
      }
    };
    spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    spark.sparkContext().addSparkListener(listener);
    try {
      GateEvaluator.evaluate(report, gates());
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    assertEquals(1, jobs.size(), CONDITIONS.size() + " gates: Spark jobs started " + jobs);
  }

  @Test
  void noGatesNoOutcomes(SparkSession spark) {
    assertEquals(List.of(), GateEvaluator.evaluate(report(spark, 1), List.of()));
  }

  @Test
  void aLossNotInTheReportChecksNoRow(SparkSession spark) {
    GateOutcome o = GateEvaluator.evaluate(report(spark, 2), List.of(Gate.parse("mae > 0"))).get(0);
    assertOutcome(o, 0, 0, 0, List.of());
  }

  @Test
  void aReportWithoutTheGatesColumnIsRefused(SparkSession spark) {
    Dataset<Row> noDelta = report(spark, 1).drop("delta_ci_low");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GateEvaluator.evaluate(noDelta, List.of(Gate.parse("mse > 0"), Gate.parse("delta_ci_low(mse) > 0"))),
        "a gate on delta_ci_low over a report without that column");
    assertTrue(e.getMessage().startsWith("'delta_ci_low(mse) > 0': the report has no column delta_ci_low (its columns:"
        + " date, model, grouping, loss, value,"), e.getMessage());

    Dataset<Row> noGrouping = report(spark, 1).drop("grouping");
    IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
        () -> GateEvaluator.evaluate(noGrouping, List.of(Gate.parse("mse > 0"))), "a report without grouping");
    assertTrue(g.getMessage().contains("the report has no column grouping"), g.getMessage());

    Dataset<Row> noLoss = report(spark, 1).drop("loss");
    IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
        () -> GateEvaluator.evaluate(noLoss, List.of(Gate.parse("mse > 0"))), "a report without loss");
    assertTrue(l.getMessage().contains("the report has no column loss"), l.getMessage());
  }

  @Test
  void theMessageNamesTheConditionCountsAndFirstKeys(SparkSession spark) {
    List<GateOutcome> out = GateEvaluator.evaluate(report(spark, 2), gates());
    // five worst shown, ten failed: "..." says more failed
    assertEquals("gate failed: mse > 0.25 (10 of 12 row(s); 1 with no value): date=2026-11-26,model=b value=0.600000,"
        + " model=b value=0.520000, date=2026-11-24,model=b value=0.500000, date=2026-11-25,model=b value=0.450000,"
        + " model=c value=0.410000, ...", out.get(0).message());
    // the overall row is named by its grouping
    assertEquals("gate failed: overall: ci_low(mse) > 0.25 (1 of 1 row(s)): overall ci_low=0.330000",
        out.get(1).message());
    // exactly EXAMPLES failed: all shown, no "..."
    String m = out.get(2).message();
    assertTrue(m.startsWith("gate failed: date,model: ci_low(mse) > 0.25 (5 of 8 row(s); 2 with no ci_low): "
        + "date=2026-11-26,model=b ci_low=0.520000, date=2026-11-24,model=b ci_low=0.410000"), m);
    assertFalse(m.endsWith("..."), "5 failed, 5 shown: no '...' in " + m);
    assertEquals("gate failed: delta(mse) < 0 (2 of 12 row(s); 3 with no delta): date=2026-11-25,model=a"
        + " delta=-0.0200000, model=a delta=-0.0100000", out.get(4).message());
  }

  @Test
  void writeJsonWritesEveryGateAndReplacesAnOldFileWhole(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<GateOutcome> out = GateEvaluator.evaluate(report(spark, 2), gates());
    Path file = tmp.resolve("verdicts/gates.json"); // its directory does not exist yet
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"old\": \"" + "x".repeat(20_000) + "\"}\n"); // longer than what replaces it
    GateEvaluator.writeJson(file, "run-1", "/reports/daily", out);

    ObjectMapper json = new ObjectMapper();
    JsonNode doc = json.readTree(file.toFile()); // fails on trailing bytes of the old file
    assertEquals("run-1", doc.get("run_id").asText());
    assertEquals("/reports/daily", doc.get("report").asText());
    assertFalse(doc.has("old"), "the old file is replaced");
    assertFalse(doc.get("passed").asBoolean(true), "6 of the 8 gates failed: passed is false");
    JsonNode gates = doc.get("gates");
    assertEquals(CONDITIONS.size(), gates.size(), "one entry per gate");
    for (int i = 0; i < CONDITIONS.size(); i++) {
      assertEquals(CONDITIONS.get(i), gates.get(i).get("condition").asText(), "gates[" + i + "].condition");
    }
    long[] failed = {10, 1, 5, 2, 2, 2, 0, 1}; // counted by hand in assertHandCountedOutcomes
    for (int i = 0; i < failed.length; i++) {
      assertEquals(failed[i], gates.get(i).get("rows_failed").asLong(), "gates[" + i + "].rows_failed");
      assertEquals(failed[i] == 0, gates.get(i).get("passed").asBoolean(), "gates[" + i + "].passed");
    }

    JsonNode first = gates.get(0);
    assertEquals("mse", first.get("loss").asText());
    assertEquals("value", first.get("field").asText());
    assertEquals(">", first.get("op").asText());
    assertEquals(0.25, first.get("threshold").asDouble(), 0.0, "threshold, exactly");
    assertTrue(first.get("grouping").isNull(), "no grouping: null");
    assertEquals(12, first.get("rows_checked").asLong());
    assertEquals(1, first.get("rows_null").asLong());
    JsonNode worst = first.get("worst");
    assertEquals(GateEvaluator.EXAMPLES, worst.size(), "worst rows of mse > 0.25");
    assertEquals("date,model", worst.get(0).get("grouping").asText());
    assertEquals("date=2026-11-26,model=b", worst.get(0).get("keys").asText());
    assertEquals(0.60, worst.get(0).get("value").asDouble(), 0.0, "worst value, exactly");
    assertEquals("model=c", worst.get(4).get("keys").asText());

    JsonNode overall = gates.get(1);
    assertEquals("overall", overall.get("grouping").asText());
    assertEquals("", overall.get("worst").get(0).get("keys").asText(), "the overall row has no keys");
    assertEquals(0.33, overall.get("worst").get(0).get("ci_low").asDouble(), 0.0, "keyed by the field, exactly");
    assertEquals(0, gates.get(6).get("worst").size(), "a passing gate has no worst rows");

    // a second run with only the passing gate: the file shrinks, passed is true, nothing is left of the first
    GateEvaluator.writeJson(file, "run-2", "/reports/daily", List.of(out.get(6)));
    JsonNode again = json.readTree(file.toFile());
    assertEquals("run-2", again.get("run_id").asText());
    assertTrue(again.get("passed").asBoolean(false), "the only gate passed");
    assertEquals(1, again.get("gates").size());
    assertEquals("overall: mse > 1", again.get("gates").get(0).get("condition").asText());
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left beside " + file);
    }
  }

  @Test
  void writeJsonCreatesTheDirectory(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("a/b/gates.json");
    GateEvaluator.writeJson(file, "run-3", "out", List.of());
    JsonNode doc = new ObjectMapper().readTree(file.toFile());
    assertTrue(doc.get("passed").asBoolean(false), "no gates: passed");
    assertEquals(0, doc.get("gates").size(), "no gates");
  }
}
