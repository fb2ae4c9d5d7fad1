package org.sparklossreport.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;
import static org.sparklossreport.testing.JobFixtures.ok;
import static org.sparklossreport.testing.JobFixtures.usageError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * {@code --compare-by COL --baseline VALUE} and {@code --fail-if} (issue 16), through {@code Main.run} as a
 * user runs the command. Deltas are checked against the plain-loop formulas of {@link JobFixtures} (never
 * against the job's own values); the paired interval against a seeded simulation of two correlated models
 * with a known true delta; gates against thresholds placed from those formulas.
 */
@ExtendWith(SharedSparkSession.class)
class ComparisonTest {

  /** The test table: dates D1, D2 (models a, b), plus D3 with model b only (no baseline row there). */
  private static List<JobFixtures.Pred> table() {
    List<JobFixtures.Pred> rows = new ArrayList<>(JobFixtures.generate(4000, 16, D1, D2));
    JobFixtures.generate(200, 17, "2026-11-03").stream().map(p -> p.withKey("2026-11-03", "b")).forEach(rows::add);
    return rows;
  }

  private static String[] args(String input, String output, String... more) {
    List<String> a = new ArrayList<>(List.of("--input", input, "--partition-by", "date,model", "--losses", "mse,mae",
        "--grouping-sets", "date,model;model;overall", "--compare-by", "model", "--baseline", "a",
        "--output", output));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void deltaIsValueMinusTheBaselinesValueOfTheSameGroupingAndOtherKeys(SparkSession spark, @TempDir Path tmp) {
    List<JobFixtures.Pred> rows = table();
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 3);
    String out = tmp.resolve("report").toString();
    JobFixtures.Outcome o = ok(args(in, out));
    assertTrue(o.out().contains("delta vs baseline"), "the summary shows the deltas:\n" + o);

    Map<String, Row> got = JobFixtures.byKey(spark.read().parquet(out), List.of("date", "model"));
    Map<String, List<JobFixtures.Pred>> byDateModel = JobFixtures.groups(rows, p -> p.date() + "|" + p.model());
    Map<String, List<JobFixtures.Pred>> byModel = JobFixtures.groups(rows, JobFixtures.Pred::model);
    for (String loss : List.of("mse", "mae")) {
      for (String d : List.of(D1, D2)) {
        double b = JobFixtures.formula(loss, byDateModel.get(d + "|b"), false);
        double a = JobFixtures.formula(loss, byDateModel.get(d + "|a"), false);
        Row r = got.get(JobFixtures.key("date,model", loss, d, "b"));
        Approx.assertClose(a, r.getAs("baseline_value"), 1e-12, 0, "baseline_value of " + d + ",b " + loss);
        Approx.assertClose(b - a, r.getAs("delta"), 1e-11, 0, "delta of " + d + ",b " + loss + " = value - baseline");
        assertNull(r.getAs("delta_std_error"), "no interval without --ci");
        Row base = got.get(JobFixtures.key("date,model", loss, d, "a"));
        assertNull(base.getAs("delta"), "the baseline's own row has no delta");
        assertNull(base.getAs("baseline_value"));
      }
      Row unmatched = got.get(JobFixtures.key("date,model", loss, "2026-11-03", "b"));
      assertNotNull(unmatched.getAs("value"));
      assertNull(unmatched.getAs("baseline_value"), "no baseline row for 2026-11-03: null, not a guess");
      assertNull(unmatched.getAs("delta"));
      Row model = got.get(JobFixtures.key("model", loss, null, "b"));
      Approx.assertClose(JobFixtures.formula(loss, byModel.get("b"), false) - JobFixtures.formula(loss, byModel.get("a"),
          false), model.getAs("delta"), 1e-11, 0, "delta of the grouping by model: over every date");
      Row overall = got.get(JobFixtures.key("overall", loss, null, null));
      assertNull(overall.getAs("delta"), "overall has no model to compare");
    }
  }

  /**
   * Two models scoring the same examples: p_a = y + c + e_a, p_b = p_a + u with c ~ N(0,1) shared,
   * e_a ~ N(0, 0.3²), u ~ N(0, 0.2²): per segment the true mse delta is E[u²] = 0.04. With example ids the
   * interval runs over the bucket-wise differences, where c cancels; without, the two errors add.
   */
  @Test
  void pairedIntervalsAreNarrowerAndCoverTheTrueDeltaAtTheNominalRate(SparkSession spark, @TempDir Path tmp) {
    int segments = 120;
    String in = correlatedModels(spark, tmp.resolve("in"), segments, 200, 2026_12_01L);
    List<String> common = List.of("--input", in, "--partition-by", "segment,model", "--losses", "mse",
        "--grouping-sets", "segment,model", "--compare-by", "model", "--baseline", "a", "--ci", "jackknife");
    String paired = tmp.resolve("paired").toString();
    String unpaired = tmp.resolve("unpaired").toString();
    ok(with(common, "--id-column", "id", "--output", paired));
    ok(with(common, "--output", unpaired));

    Map<Object, Row> p = compared(spark, paired);
    Map<Object, Row> u = compared(spark, unpaired);
    assertEquals(segments, p.size());
    assertEquals(segments, u.size());
    double truth = 0.04;
    int covered = 0;
    int narrower = 0;
    for (Object seg : p.keySet()) {
      Row a = p.get(seg);
      Row b = u.get(seg);
      Approx.assertClose((double) a.getAs("delta"), b.getAs("delta"), 1e-12, 0, "the delta does not depend on pairing");
      double lo = a.getAs("delta_ci_low");
      double hi = a.getAs("delta_ci_high");
      covered += lo <= truth && truth <= hi ? 1 : 0;
      double wp = hi - lo;
      double wu = (double) b.getAs("delta_ci_high") - (double) b.getAs("delta_ci_low");
      narrower += wp < 0.5 * wu ? 1 : 0;
    }
    double coverage = covered / (double) segments;
    // 120 segments at nominal 0.95: binomial sd 0.02; [0.88, 0.995] is about -3.5 / +2.3 sd.
    assertTrue(coverage >= 0.88 && coverage <= 0.995, "paired coverage " + coverage + " outside [0.88, 0.995]");
    assertTrue(narrower >= 0.95 * segments, "the paired interval should be under half the unpaired width (the shared"
        + " error cancels) for >= 95% of segments, was for " + narrower + " of " + segments);
  }

  /**
   * {@code segments} × {@code perSegment} examples (id, segment), each scored by models a and b:
   * p_a = y + c + e_a, p_b = p_a + u, c ~ N(0,1), e_a ~ N(0, 0.3²), u ~ N(0, 0.2²); written as Parquet.
   */
  static String correlatedModels(SparkSession spark, Path dir, int segments, int perSegment, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < segments; s++) {
      for (int i = 0; i < perSegment; i++) {
        double y = r.nextGaussian();
        double pa = y + r.nextGaussian() + 0.3 * r.nextGaussian();
        double pb = pa + 0.2 * r.nextGaussian();
        long id = (long) s * perSegment + i;
        rows.add(RowFactory.create(id, s, "a", y, pa));
        rows.add(RowFactory.create(id, s, "b", y, pb));
      }
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("segment", DataTypes.IntegerType)
        .add("model", DataTypes.StringType).add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType);
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(dir.toString());
    return dir.toString();
  }

  /**
   * StateStruct remember how their buckets were hashed: a rollup of states saved with {@code --id-column} pairs
   * its comparisons, one of states bucketed by values does not; either way its intervals equal the job's
   * over the same grouping.
   */
  @Test
  void rollupsPairWhenTheStatesBucketsCameFromExampleIds(SparkSession spark, @TempDir Path tmp) {
    String in = correlatedModels(spark, tmp.resolve("in"), 12, 150, 7L);
    for (boolean ids : new boolean[] {true, false}) {
      String tag = ids ? "ids" : "values";
      List<String> a = new ArrayList<>(List.of("--input", in, "--partition-by", "segment,model", "--losses", "mse",
          "--grouping-sets", "segment,model;model", "--ci", "jackknife", "--compare-by", "model", "--baseline", "a",
          "--states", tmp.resolve("states-" + tag).toString(), "--output", tmp.resolve("direct-" + tag).toString()));
      if (ids) {
        a.addAll(List.of("--id-column", "id"));
      }
      ok(a.toArray(String[]::new));
      ok("rollup", "--states", tmp.resolve("states-" + tag).toString(), "--grouping-sets", "model", "--ci", "jackknife",
          "--compare-by", "model", "--baseline", "a", "--output", tmp.resolve("rolled-" + tag).toString());
      Row direct = spark.read().parquet(tmp.resolve("direct-" + tag).toString()).where("grouping = 'model' AND model = 'b'")
          .first();
      Row rolled = spark.read().parquet(tmp.resolve("rolled-" + tag).toString()).where("model = 'b'").first();
      for (String c : List.of("delta", "delta_std_error", "delta_ci_low", "delta_ci_high")) {
        Approx.assertClose(direct.getAs(c), rolled.getAs(c), 1e-10, 0, tag + ": rollup " + c + " = the job's");
      }
      double unpaired = Math.hypot(direct.<Double>getAs("std_error"), spark.read().parquet(tmp.resolve("direct-" + tag)
          .toString()).where("grouping = 'model' AND model = 'a'").first().<Double>getAs("std_error"));
      if (ids) {
        assertTrue(rolled.<Double>getAs("delta_std_error") < 0.5 * unpaired, "paired: far below the unpaired "
            + unpaired + ": " + rolled);
      } else {
        Approx.assertClose(unpaired, rolled.getAs("delta_std_error"), 1e-12, 0, "unpaired: in quadrature");
      }
    }
  }

  /**
   * Many states take the shuffle path of the intervals (more than {@code spark.lossreport.ci.localStates} on
   * the driver): its comparison equals the driver path's.
   */
  @Test
  void theShufflePathComparesAsTheDriverPathDoes(SparkSession spark, @TempDir Path tmp) {
    String in = correlatedModels(spark, tmp.resolve("in"), 10, 100, 11L);
    List<String> common = List.of("--input", in, "--partition-by", "segment,model", "--losses", "mse,mae",
        "--grouping-sets", "segment,model;model;overall", "--ci", "jackknife", "--id-column", "id", "--compare-by",
        "model", "--baseline", "a");
    String local = tmp.resolve("local").toString();
    String shuffled = tmp.resolve("shuffled").toString();
    ok(with(common, "--output", local));
    ok(with(common, "--conf", ReportRun.LOCAL_STATES_CONF + "=0", "--output", shuffled));
    List<String> keys = List.of("segment", "model");
    Map<String, Row> a = JobFixtures.byKey(spark.read().parquet(local), keys);
    Map<String, Row> b = JobFixtures.byKey(spark.read().parquet(shuffled), keys);
    assertEquals(a.keySet(), b.keySet());
    int compared = 0;
    for (String k : a.keySet()) {
      for (String c : List.of("value", "std_error", "baseline_value", "delta", "delta_std_error", "delta_ci_low",
          "delta_ci_high")) {
        Approx.assertClose(a.get(k).getAs(c), b.get(k).getAs(c), 1e-12, 0, k + " " + c);
      }
      compared += a.get(k).getAs("delta_ci_low") == null ? 0 : 1;
    }
    assertEquals(2 * (10 + 1), compared, "model b's rows of 10 segments and of the grouping by model, two losses");
  }

  private static String[] with(List<String> common, String... more) {
    List<String> a = new ArrayList<>(common);
    a.addAll(Arrays.asList(more));
    return a.toArray(String[]::new);
  }

  /** Model b's rows by segment. */
  private static Map<Object, Row> compared(SparkSession spark, String report) {
    Map<Object, Row> out = new HashMap<>();
    for (Row r : spark.read().parquet(report).where("model = 'b'").collectAsList()) {
      out.put(r.getAs("segment"), r);
    }
    return out;
  }

  /**
   * Every gate form on one run, checked in its {@code --gates-output}: thresholds come from the formulas
   * (model b predicts with less noise than a, so its mse is lower, by far more than the interval).
   */
  @Test
  void eachGateFormPassesAndFailsWhereItShould(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<JobFixtures.Pred> rows = JobFixtures.generate(4000, 16, D1, D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    Map<String, List<JobFixtures.Pred>> byDateModel = JobFixtures.groups(rows, p -> p.date() + "|" + p.model());
    Map<String, List<JobFixtures.Pred>> byModel = JobFixtures.groups(rows, JobFixtures.Pred::model);
    double overall = JobFixtures.formula("mse", rows, false);
    double maxDateModel = byDateModel.values().stream().mapToDouble(g -> JobFixtures.formula("mse", g, false)).max()
        .orElseThrow();
    double modelA = JobFixtures.formula("mse", byModel.get("a"), false);
    // the gates, and whether each must fail
    Map<String, Boolean> gates = new java.util.LinkedHashMap<>();
    gates.put("mse > " + (maxDateModel + 1e-9), false);
    gates.put("mse > " + (maxDateModel - 1e-9), true);
    gates.put("overall: mse >= " + (overall + 1e-9), false);
    gates.put("overall: mse >= " + (overall - 1e-9), true);
    gates.put("model: mse > " + (modelA - 1e-9), true); // model a's row
    gates.put("model: mse > " + (modelA + 1e-9), false);
    gates.put("overall: ci_low(mse) > 0", true); // mse ~ 0.7 with thousands of rows
    gates.put("overall: ci_low(mse) > " + overall, false); // the lower bound is below the value
    gates.put("ci_high(mse) < 0", false);
    gates.put("ci_high(mse) < 1000", true);
    gates.put("delta(mse) > 0", false); // b is better than a everywhere
    gates.put("delta(mse) < 0", true);
    gates.put("delta_ci_low(mse) > 0", false); // not worse beyond doubt
    gates.put("delta_ci_high(mse) < 0", true); // better beyond doubt
    gates.put("date,model: delta_ci_high(mse) < 0", true);
    gates.put("overall: delta(mse) < 0", false); // overall rows are never compared: nothing fails
    List<String> a = new ArrayList<>(List.of("--input", in, "--partition-by", "date,model", "--losses", "mse",
        "--grouping-sets", "date,model;model;overall", "--compare-by", "model", "--baseline", "a", "--ci", "jackknife",
        "--output", tmp.resolve("report").toString(), "--gates-output", tmp.resolve("gates.json").toString()));
    gates.keySet().forEach(g -> a.addAll(List.of("--fail-if", g)));
    JobFixtures.Outcome o = JobFixtures.run(a.toArray(String[]::new));
    assertEquals(3, o.code(), "a gate failed: exit 3\n" + o);
    assertTrue(spark.read().parquet(tmp.resolve("report").toString()).count() > 0, "the report is written anyway");

    JsonNode json = new ObjectMapper().readTree(tmp.resolve("gates.json").toFile());
    assertFalse(json.get("passed").asBoolean());
    assertEquals(gates.size(), json.get("gates").size());
    int i = 0;
    for (Map.Entry<String, Boolean> g : gates.entrySet()) {
      JsonNode n = json.get("gates").get(i++);
      assertEquals(g.getKey(), n.get("condition").asText());
      assertEquals(!g.getValue(), n.get("passed").asBoolean(), "gate " + g.getKey() + ": " + n);
      boolean failedLine = o.err().lines().anyMatch(l -> l.startsWith("gate failed: " + g.getKey() + " ("));
      assertEquals(g.getValue(), failedLine, "a 'gate failed:' line for each failed gate only: " + g.getKey() + "\n" + o);
    }
    JsonNode model = json.get("gates").get(4);
    assertEquals(1, model.get("rows_failed").asLong(), "model: scope: only the grouping by model, model a");
    assertEquals("model=a", model.get("worst").get(0).get("keys").asText());
    JsonNode deltaBetter = json.get("gates").get(13);
    assertEquals(3, deltaBetter.get("rows_failed").asLong(), "model b on D1, D2 and in the grouping by model");
    assertEquals(7, deltaBetter.get("rows_checked").asLong(), "4 rows by date,model, 2 by model, 1 overall");
    assertEquals(4, deltaBetter.get("rows_null").asLong(), "the baseline's 3 rows and overall have no delta");
  }

  @Test
  void passingGatesExitZeroAndStillWriteTheirOutcome(SparkSession spark, @TempDir Path tmp) throws IOException {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(600, 5, D1), tmp.resolve("in"), 1);
    JobFixtures.Outcome o = ok("--input", in, "--partition-by", "model", "--losses", "mse", "--output",
        tmp.resolve("r").toString(), "--fail-if", "mse > 1e6", "--gates-output", tmp.resolve("g.json").toString());
    assertFalse(o.err().contains("gate failed"), o.toString());
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("g.json").toFile());
    assertTrue(json.get("passed").asBoolean());
    assertEquals(3, json.get("gates").get(0).get("rows_checked").asLong(), "models a, b and overall");
  }

  /** A job file's {@code compare_by}, {@code baseline} and {@code fail_if:} list work as the options do. */
  @Test
  void gatesFromAJobFile(SparkSession spark, @TempDir Path tmp) throws IOException {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(800, 9, D1), tmp.resolve("in"), 1);
    Path job = tmp.resolve("job.yaml");
    Files.writeString(job, String.join("\n", "input: " + in, "partition_by: [model]", "losses: [mse, mae]",
        "output: " + tmp.resolve("r"), "compare_by: model", "baseline: a", "fail_if:", "  - \"delta(mse) > 0\"",
        "  - \"delta(mae) < 0\"", "gates_output: " + tmp.resolve("g.json"), ""));
    JobFixtures.Outcome o = JobFixtures.run("--config", job.toString());
    assertEquals(3, o.code(), o.toString());
    assertFalse(o.err().contains("gate failed: delta(mse) > 0"), "b's mse is lower: passes\n" + o);
    assertTrue(o.err().contains("gate failed: delta(mae) < 0 (1 of 3 row(s); 2 with no delta): model=b delta="), o.toString());
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("g.json").toFile());
    assertEquals(2, json.get("gates").size());
    // the command line replaces the file's gates
    JobFixtures.Outcome cli = JobFixtures.run("--config", job.toString(), "--fail-if", "mse > 1e9");
    assertEquals(0, cli.code(), cli.toString());
  }

  @Test
  void mistakesInComparisonsAndGatesAreUsageErrorsBeforeAnythingIsWritten(SparkSession spark, @TempDir Path tmp) {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(400, 3, D1), tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    String[] base = {"--input", in, "--partition-by", "date,model", "--losses", "mse,huber(delta=1.5)", "--output",
        out.toString()};
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(List.of("--fail-if", "mae > 1"), "loss mae is not in this run's report");
    cases.put(List.of("--fail-if", "huber(delta=2) > 1"), "is not in this run's report (its losses: mse, huber(delta=1.5))");
    cases.put(List.of("--fail-if", "ci_mid(mse) > 1"), "ci_mid is neither a field");
    cases.put(List.of("--fail-if", "mse >> 1"), "is not a gate: expected [GROUPING:] [FIELD(]LOSS[)] OP NUMBER");
    cases.put(List.of("--fail-if", "mse > high"), "'high' is not a finite number");
    cases.put(List.of("--fail-if", "mse"), "is not a gate");
    cases.put(List.of("--fail-if", "ci_low(mse) > 1"), "needs intervals: add --ci jackknife");
    cases.put(List.of("--fail-if", "delta(mse) > 1"), "needs a comparison: add --compare-by");
    cases.put(List.of("--fail-if", "segment: mse > 1"), "grouping 'segment' is not in this run's report");
    cases.put(List.of("--compare-by", "segment", "--baseline", "a"), "--compare-by 'segment' is not a --partition-by key");
    cases.put(List.of("--baseline", "a"), "--baseline needs --compare-by");
    cases.put(List.of("--compare-by", "model"), "--compare-by model needs --baseline");
    cases.put(List.of("--compare-by", "model", "--baseline", "a", "--grouping-sets", "date;overall"),
        "no grouping of --grouping-sets holds model");
    cases.put(List.of("--compare-by", "model", "--baseline", "prod"),
        "--baseline 'prod' matches no row of --compare-by model in this run (its values include a, b)");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      List<String> a = new ArrayList<>(List.of(base));
      a.addAll(c.getKey());
      String line = usageError(a.toArray(String[]::new));
      assertTrue(line.contains(c.getValue()), c.getKey() + " -> " + line);
      assertFalse(Files.exists(out), c.getKey() + ": nothing written");
    }
  }

  @Test
  void aBaselineThatIsNotAValueOfItsColumnsTypeIsAUsageError(SparkSession spark, @TempDir Path tmp) {
    StructType schema = new StructType().add("segment", DataTypes.IntegerType).add("label", DataTypes.DoubleType)
        .add("prediction", DataTypes.DoubleType);
    String in = tmp.resolve("in").toString();
    spark.createDataFrame(List.of(RowFactory.create(1, 1.0, 2.0), RowFactory.create(2, 1.0, 1.5)), schema).write()
        .parquet(in);
    String line = usageError("--input", in, "--partition-by", "segment", "--losses", "mse", "--compare-by", "segment",
        "--baseline", "first", "--output", tmp.resolve("r").toString());
    assertTrue(line.contains("--baseline 'first' is not a value of --compare-by column segment (int)"), line);
    ok("--input", in, "--partition-by", "segment", "--losses", "mse", "--compare-by", "segment", "--baseline", "1",
        "--output", tmp.resolve("r").toString());
    Row two = spark.read().parquet(tmp.resolve("r").toString()).where("segment = 2").first();
    Approx.assertClose(0.25 - 1.0, two.getAs("delta"), 1e-15, 0, "(1-1.5)^2 - (1-2)^2");
  }

  /** A rollup compares as the job does: the same deltas from the saved states; its gates exit 3. */
  @Test
  void rollupsCompareAndGateFromSavedStates(SparkSession spark, @TempDir Path tmp) {
    List<JobFixtures.Pred> rows = JobFixtures.generate(2000, 21, D1, D2);
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String states = tmp.resolve("states").toString();
    String direct = tmp.resolve("direct").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse,r2", "--ci", "jackknife", "--compare-by", "model",
        "--baseline", "a", "--states", states, "--output", direct);
    String rolled = tmp.resolve("rolled").toString();
    JobFixtures.Outcome o = JobFixtures.run("rollup", "--states", states, "--grouping-sets", "model;overall", "--ci",
        "jackknife", "--compare-by", "model", "--baseline", "a", "--fail-if", "model: delta(mse) < 0", "--output",
        rolled);
    assertEquals(3, o.code(), o.toString());
    assertTrue(o.err().contains("gate failed: model: delta(mse) < 0 (1 of 2 row(s); 1 with no delta): model=b"),
        o.toString());
    Map<String, List<JobFixtures.Pred>> byModel = JobFixtures.groups(rows, JobFixtures.Pred::model);
    Map<String, Row> got = JobFixtures.byKey(spark.read().parquet(rolled), List.of("model"));
    for (String loss : List.of("mse", "r2")) {
      Row b = got.get(JobFixtures.key("model", loss, "b"));
      double expected = JobFixtures.formula(loss, byModel.get("b"), false) - JobFixtures.formula(loss, byModel.get("a"),
          false);
      Approx.assertClose(expected, b.getAs("delta"), 1e-10, 0, "rollup delta of " + loss);
      double se = Math.hypot(b.<Double>getAs("std_error"), got.get(JobFixtures.key("model", loss, "a")).<Double>getAs(
          "std_error"));
      Approx.assertClose(se, b.getAs("delta_std_error"), 1e-12, 0, "unpaired: the two standard errors in quadrature");
      assertTrue((double) b.getAs("delta_ci_low") < (double) b.getAs("delta")
          && (double) b.getAs("delta") < (double) b.getAs("delta_ci_high"), b.toString());
    }
  }
}
