package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.ok;
import static org.sparklossreport.testing.JobFixtures.usageError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.spec.CiSpec;
import org.sparklossreport.spec.RollupSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.state.HeldStates;
import org.sparklossreport.state.SavedState;
import org.sparklossreport.state.SavedStateTable;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;
import org.sparklossreport.testing.SparkEvents;

/**
 * Saved states and {@code rollup} (issue 14): seven nightly runs save their states, the predictions are
 * deleted, and the weekly report per model and overall, computed from the states alone, equals a direct
 * run over the seven days; it also equals the formulas of spec/losses.md over the valid rows (plain loops),
 * so the check does not rest on the job alone. Then the exit-2 cases: a loss the states lack, a format
 * version this release does not read, states of two input forms under one name, a table that is no states.
 */
@ExtendWith(SharedSparkSession.class)
class RollupTest {
  private static final String[] WEEK = {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27",
      "2026-11-28", "2026-11-29"};
  private static final String LOSSES = String.join(",", JobFixtures.FORMULAS);

  /** 7 × 160 valid rows, then a null label on one day and a negative weight on another (counted, skipped). */
  private static List<Pred> week() {
    List<Pred> rows = new ArrayList<>(JobFixtures.generate(7 * 160, 1123, WEEK));
    rows.set(5, rows.get(5).withLabel(null));
    rows.set(12, rows.get(12).withWeight(-1.0));
    return rows;
  }

  @Test
  void aWeeklyRollupOfNightlyStatesEqualsADirectRunOverTheWeek(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<Pred> rows = week();
    String states = tmp.resolve("states").toString();
    List<Path> nights = new ArrayList<>();
    for (String day : WEEK) { // nightly: that day's predictions only, states saved beside the report
      Path in = tmp.resolve("preds-" + day);
      JobFixtures.writeParquet(spark, rows.stream().filter(p -> p.date().equals(day)).toList(), in, 2);
      nights.add(in);
      ok("--input", in.toString(), "--partition-by", "date,model", "--losses", LOSSES, "--weight", "weight",
          "--invalid", "skip", "--output", tmp.resolve("nightly").toString(), "--states", states);
    }
    // a night run again replaces that night's states (same identity), so the week does not count it twice
    ok("--input", nights.get(2).toString(), "--partition-by", "date,model", "--losses", LOSSES, "--weight", "weight",
        "--invalid", "skip", "--output", tmp.resolve("nightly").toString(), "--states", states);
    assertEquals(7 * 2 * JobFixtures.FORMULAS.size(), spark.read().parquet(states).count());
    String all = JobFixtures.writeParquet(spark, rows, tmp.resolve("preds-all"), 3);
    String direct = tmp.resolve("direct").toString();
    ok("--input", all, "--partition-by", "model", "--losses", LOSSES, "--weight", "weight", "--invalid", "skip",
        "--output", direct);
    for (Path p : nights) {
      deleteTree(p);
    }
    deleteTree(Path.of(all));

    String weekly = tmp.resolve("weekly").toString();
    JobFixtures.Outcome o = ok("rollup", "--states", states, "--grouping-sets", "model;overall", "--output", weekly);
    assertTrue(o.out().contains("loss report from saved states"), o.toString());

    Map<String, Row> got = JobFixtures.byKey(spark.read().parquet(weekly).drop("date"), List.of("model"));
    Map<String, Row> want = JobFixtures.byKey(spark.read().parquet(direct), List.of("model"));
    assertEquals(want.keySet(), got.keySet());
    for (Map.Entry<String, Row> e : want.entrySet()) {
      String k = e.getKey();
      Row w = e.getValue();
      Row g = got.get(k);
      double tol = k.endsWith("|rmse") || k.endsWith("|r2") ? 1e-10 : 1e-12;
      Approx.assertClose(w.getAs("value"), g.getAs("value"), tol, 0, k);
      assertEquals((Long) w.getAs("rows"), (Long) g.getAs("rows"), k);
      assertEquals((Long) w.getAs("invalid_rows"), (Long) g.getAs("invalid_rows"), k);
      assertEquals((String) w.getAs("invalid_reasons"), g.getAs("invalid_reasons"), k);
      Approx.assertClose(w.getAs("weight_sum"), g.getAs("weight_sum"), 1e-12, 0, k);
      assertNull(g.getAs("scope"), k);
      String model = g.getAs("model");
      String loss = g.getAs("loss");
      boolean readsLabel = !loss.contains("label="); // the others read their own label column, never null here
      List<Pred> group = rows.stream().filter(p -> (model == null || p.model().equals(model)) && p.weight() >= 0
          && (!readsLabel || p.label() != null)).toList();
      Approx.assertClose(JobFixtures.formula(loss, group, true), g.getAs("value"), 1e-10, 0, k + " (formula)");
    }
    Row overall = got.get(JobFixtures.key("overall", "mse", (Object) null));
    assertEquals(7 * 160 - 2, (long) overall.<Long>getAs("rows"));
    assertEquals("null=1,invalid_weight=1", overall.getAs("invalid_reasons"));
  }

  @Test
  void groupingSetsEqualSeparateRunsAndTheStatesRollUpToThem(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = week();
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 3);
    String losses = "mse,rmse,r2,log_loss(label=class,prediction=probs)";
    String sets = tmp.resolve("sets").toString();
    String states = tmp.resolve("states").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", losses, "--invalid", "skip",
        "--grouping-sets", "date,model;model;date;overall", "--output", sets, "--states", states);
    Map<String, Row> got = JobFixtures.byKey(spark.read().parquet(sets), List.of("date", "model"));
    assertEquals((7 * 2 + 2 + 7 + 1) * 4, got.size());

    Map<String, Row> want = new java.util.TreeMap<>();
    for (String keys : List.of("date,model", "model", "date")) {
      String out = tmp.resolve("by-" + keys).toString();
      ok("--input", in, "--partition-by", keys, "--losses", losses, "--invalid", "skip", "--output", out);
      Dataset<Row> r = spark.read().parquet(out);
      for (String c : List.of("date", "model")) {
        if (!List.of(r.columns()).contains(c)) {
          r = r.withColumn(c, functions.lit(null).cast("string"));
        }
      }
      Map<String, Row> m = JobFixtures.byKey(r, List.of("date", "model"));
      m.forEach((k, v) -> {
        if (!k.startsWith("overall") || keys.equals("date,model")) {
          want.put(k, v);
        }
      });
    }
    assertEquals(want.keySet(), new java.util.TreeSet<>(got.keySet()));
    assertSameValues(want, got);

    String rolled = tmp.resolve("rolled").toString();
    ok("rollup", "--states", states, "--grouping-sets", "date,model;model;date;overall", "--output", rolled);
    assertSameValues(want, JobFixtures.byKey(spark.read().parquet(rolled), List.of("date", "model")));

    // --where on a key column and --losses, a subset: only those rows, named as the job names them
    String two = tmp.resolve("two-days").toString();
    JobFixtures.Outcome o = ok("rollup", "--states", states, "--where", "date IN ('" + WEEK[0] + "', '" + WEEK[1] + "')",
        "--losses", "log_loss(label=class,prediction=probs)", "--grouping-sets", "model", "--output", two);
    assertTrue(o.out().contains("model=a"), "a coarser grouping's rows name their keys:\n" + o);
    List<Row> r = spark.read().parquet(two).collectAsList();
    assertEquals(2, r.size(), r.toString());
    for (Row row : r) {
      String model = row.getAs("model");
      List<Pred> group = rows.stream().filter(p -> p.model().equals(model)
          && (p.date().equals(WEEK[0]) || p.date().equals(WEEK[1]))).toList(); // no --weight: every row counts
      assertEquals("log_loss(label=class,prediction=probs)", row.getAs("loss"));
      Approx.assertClose(JobFixtures.formula("log_loss(label=class,prediction=probs)", group, false),
          row.getAs("value"), 1e-12, 0, model);
      assertEquals("date IN ('" + WEEK[0] + "', '" + WEEK[1] + "')", row.getAs("scope"));
    }
  }

  private static void assertSameValues(Map<String, Row> want, Map<String, Row> got) {
    assertEquals(want.keySet(), new java.util.TreeSet<>(got.keySet()));
    want.forEach((k, w) -> {
      Row g = got.get(k);
      Approx.assertClose(w.getAs("value"), g.getAs("value"), 1e-12, 0, k);
      assertEquals((Long) w.getAs("rows"), (Long) g.getAs("rows"), k);
      assertEquals((Long) w.getAs("invalid_rows"), (Long) g.getAs("invalid_rows"), k);
      assertEquals((String) w.getAs("invalid_reasons"), g.getAs("invalid_reasons"), k);
    });
  }

  @Test
  void statesThatCannotBeRolledUpExitWithTwoNamingWhy(SparkSession spark, @TempDir Path tmp) {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(120, 7, WEEK[0], WEEK[1]), tmp.resolve("in"), 1);
    String states = tmp.resolve("states").toString();
    String report = tmp.resolve("report").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse,huber(delta=1.5)", "--output", report,
        "--states", states);
    String out = tmp.resolve("out").toString();

    String missing = usageError("rollup", "--states", states, "--losses", "mse,huber(delta=2)", "--output", out);
    assertTrue(missing.contains("huber(delta=2)") && missing.contains("hold huber(delta=1.5), mse"), missing);

    Dataset<Row> t = spark.read().parquet(states);
    String future = tmp.resolve("future").toString();
    t.withColumn("state", functions.col("state").withField("format", functions.lit(99))).write().parquet(future);
    String unknown = usageError("rollup", "--states", future, "--output", out);
    assertTrue(unknown.contains("format version 99") && unknown.contains("reads format versions [1]"), unknown);

    String mixed = tmp.resolve("mixed").toString();
    t.union(t.where("loss = 'mse(reduction=mean)'")
            .withColumn("date", functions.lit("2026-12-01"))
            .withColumn("state", functions.col("state").withField("inputs", functions.lit("vector,vector"))))
        .write().parquet(mixed);
    String forms = usageError("rollup", "--states", mixed, "--output", out);
    assertTrue(forms.contains("mse(reduction=mean)") && forms.contains("[scalar,scalar] and [vector,vector]")
        || forms.contains("[vector,vector] and [scalar,scalar]"), forms);

    String notStates = usageError("rollup", "--states", report, "--output", out);
    assertTrue(notStates.contains("is not a states table") && notStates.contains("'bucket'"), notStates);

    String noKey = usageError("rollup", "--states", states, "--grouping-sets", "segment;overall", "--output", out);
    assertTrue(noKey.contains("'segment' is not a --partition-by column; they are date,model"), noKey);

    String jobOnly = usageError("rollup", "--states", states, "--input", in, "--output", out);
    assertTrue(jobOnly.contains("--input is not an option of rollup"), jobOnly);

    String same = usageError("--input", in, "--partition-by", "date", "--losses", "mse", "--output", out,
        "--states", out + "/states");
    assertTrue(same.contains("--states") && same.contains("lies inside (or around)"), same);
    assertFalse(Files.exists(Path.of(out)), "no failed run leaves a report behind");
  }

  @Test
  void aJobFileTakesGroupingSetsStatesAndIntervals(SparkSession spark, @TempDir Path tmp) throws IOException {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(200, 5, WEEK[0], WEEK[1]), tmp.resolve("in"), 1);
    Path job = tmp.resolve("job.yaml");
    Files.writeString(job, String.join("\n",
        "input: " + in,
        "partition_by: [date, model]",
        "losses: [mse, rmse]",
        "grouping_sets: [\"date,model\", model, overall]",
        "states: " + tmp.resolve("states"),
        "ci: jackknife",
        "ci_buckets: 5",
        "ci_level: 0.8",
        "output: " + tmp.resolve("report"),
        ""));
    ok("--config", job.toString());
    Map<String, Row> r = JobFixtures.byKey(spark.read().parquet(tmp.resolve("report").toString()),
        List.of("date", "model"));
    assertEquals((4 + 2 + 1) * 2, r.size(), r.keySet().toString());
    Row a = r.get(JobFixtures.key("model", "rmse", null, "a"));
    assertTrue((double) a.getAs("ci_low") < (double) a.getAs("value")
        && (double) a.getAs("value") < (double) a.getAs("ci_high"), a.toString());
    List<Row> buckets = spark.read().parquet(tmp.resolve("states").toString()).select("bucket").distinct().collectAsList();
    assertEquals(5, buckets.size(), "the states keep the rows' buckets: " + buckets);
  }

  /**
   * States at hand on the driver (a local table: the stream's new windows give them so) roll up there: no
   * Spark job runs before the report reaches the caller, and its rows are those of the job's own report over
   * the same input (values and intervals 1e-12, counts exact), which the job made from its pass, not by a rollup.
   */
  @Test
  void statesAtHandRollUpOnTheDriverToTheJobsOwnReport(SparkSession spark, @TempDir Path tmp) throws IOException {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(300, 17, WEEK[0], WEEK[1]), tmp.resolve("in"), 2);
    String states = tmp.resolve("states").toString();
    String report = tmp.resolve("report").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse,rmse,log_loss(label=class,prediction=probs)",
        "--grouping-sets", "date,model;model;overall", "--ci", "jackknife", "--ci-buckets", "5", "--output", report,
        "--states", states);
    Dataset<Row> table = spark.read().parquet(states);
    Map<String, LossSet> held = new TreeMap<>();
    table.select("loss", "state.inputs").distinct().collectAsList()
        .forEach(r -> held.put(r.getString(0), SavedState.setOf(r.getString(0), r.getString(1))));
    String bucketBy = table.first().getAs(SavedStateTable.BUCKET_BY);
    Dataset<Row> local = spark.createDataFrame(table.collectAsList(), table.schema());
    assertTrue(local.isLocal());
    RollupSpec spec = new RollupSpec(states, null, List.of(List.of("date", "model"), List.of("model"),
        List.of("overall")), List.of(), tmp.resolve("unused").toString(), "parquet", WriteMode.ERROR_IF_EXISTS, null,
        Map.of(), CiSpec.of("jackknife", null, null, null, false), null, List.of(), null);
    List<Row> got = new ArrayList<>();
    StructType[] schema = {null};
    int[] jobsBefore = {-1};
    try (SparkEvents events = SparkEvents.listen(spark)) {
      new Rollup(spark, spec).over(local, new HeldStates(held, 5, bucketBy, 0), (rows, keys) -> {
        jobsBefore[0] = events.jobsSoFar().size();
        schema[0] = rows.schema();
        got.addAll(rows.collectAsList());
      });
    }
    assertEquals(0, jobsBefore[0], "merged on the driver: no Spark job before the report");
    Map<String, Row> want = JobFixtures.byKey(spark.read().parquet(report), List.of("date", "model"));
    Map<String, Row> rolled = JobFixtures.byKey(spark.createDataFrame(got, schema[0]), List.of("date", "model"));
    assertEquals((4 + 2 + 1) * 3, want.size(), want.keySet().toString());
    assertSameValues(want, rolled);
    want.forEach((k, w) -> {
      for (String c : List.of("ci_low", "ci_high")) {
        Approx.assertClose(w.getAs(c), rolled.get(k).getAs(c), 1e-12, 0, k + " " + c);
      }
    });
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
