package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.JobFixtures.Outcome;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * Seeded random corruptions of a valid small table (nulls, NaN, ±Infinity, values near the double range,
 * out-of-range probabilities, labels and class indices, vectors of the wrong length, negative, zero and
 * huge weights, null keys, empty files and partitions, filters) run through {@link Main#run} on every
 * engine that applies and several losses. Every run either succeeds with, for every report row,
 * {@code rows + invalid_rows} = the input rows of its group (counted here from the generated data), no
 * NaN anywhere, and no null value while {@code rows > 0} (but for weights summing to 0, which has no
 * value by definition), or, under {@code --invalid fail} only, exits 2 with exactly one {@code error:}
 * line. The number of cases and the time are printed (system property {@code fuzz.cases} changes the
 * number, {@code fuzz.seed} the seed).
 */
@SparkTest
class BadInputFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261130L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 16);
  /** Runs (engine, losses, keys, weights, filter, policy drawn afresh) over each generated table. */
  private static final int RUNS_PER_TABLE = 2;

  private static final List<String> SCALAR_LOSSES = List.of("mse", "mae", "r2", "huber(delta=1.5)",
      "log_loss(label=clicked,prediction=p_click)", "binary_cross_entropy(label=clicked,prediction=p_click)",
      "mape");
  private static final List<String> VECTOR_LOSSES = List.of(
      "categorical_cross_entropy(label=onehot,prediction=probs)", "autoencoder(label=onehot,prediction=probs)",
      "log_loss(label=class,prediction=probs)");
  private static final List<String> ALL_ENGINES = List.of("auto", "columnar", "compiled", "aggregator");
  private static final List<String> VECTOR_ENGINES = List.of("auto", "compiled", "aggregator");

  /** One corruption of a row, by name (for messages). */
  private record Corruption(String name, UnaryOperator<Pred> apply) {}

  private static final List<Corruption> CORRUPTIONS = List.of(
      new Corruption("null label", p -> p.withLabel(null)),
      new Corruption("null prediction", p -> p.withPrediction(null)),
      new Corruption("null weight", p -> p.withWeight(null)),
      new Corruption("NaN label", p -> p.withLabel(Double.NaN)),
      new Corruption("+inf prediction", p -> p.withPrediction(Double.POSITIVE_INFINITY)),
      new Corruption("-inf label", p -> p.withLabel(Double.NEGATIVE_INFINITY)),
      new Corruption("huge label", p -> p.withLabel(1e200)),
      new Corruption("huge opposite", p -> p.withLabel(1e200).withPrediction(-1e200)),
      new Corruption("near max", p -> p.withLabel(1e308).withPrediction(-1e308)),
      new Corruption("max prediction", p -> p.withPrediction(Double.MAX_VALUE)),
      new Corruption("negative weight", p -> p.withWeight(-1.0)),
      new Corruption("zero weight", p -> p.withWeight(0.0)),
      new Corruption("NaN weight", p -> p.withWeight(Double.NaN)),
      new Corruption("huge weight", p -> p.withWeight(1e308)),
      new Corruption("probability > 1", p -> p.withBinary(p.clicked(), 1.5)),
      new Corruption("probability < 0", p -> p.withBinary(p.clicked(), -0.25)),
      new Corruption("binary label 2", p -> p.withBinary(2, p.pClick())),
      new Corruption("null binary label", p -> p.withBinary(null, p.pClick())),
      new Corruption("NaN probability", p -> p.withBinary(p.clicked(), Double.NaN)),
      new Corruption("class 7", p -> p.withClass(7, p.probs())),
      new Corruption("class -1", p -> p.withClass(-1, p.probs())),
      new Corruption("short vector", p -> p.withClass(p.cls(), new double[] {0.5, 0.5})),
      new Corruption("long label vector", p -> p.withOnehot(new double[] {1, 0, 0, 0})),
      new Corruption("empty vectors", p -> p.withOnehot(new double[0]).withClass(p.cls(), new double[0])),
      new Corruption("null vector", p -> p.withClass(p.cls(), null)),
      new Corruption("vector out of range", p -> p.withClass(p.cls(), new double[] {1.5, -0.5, 0})),
      new Corruption("NaN in vector", p -> p.withOnehot(new double[] {Double.NaN, 1, 0})),
      new Corruption("huge vector", p -> p.withOnehot(new double[] {1e200, 0, 0})
          .withClass(p.cls(), new double[] {-1e200, 0, 1})),
      new Corruption("null date", p -> p.withKey(null, p.model())),
      new Corruption("null keys", p -> p.withKey(null, null)));

  @Test
  void corruptedInputsAreCountedOrRefusedNeverLostOrGarbled(SparkSession spark, @TempDir Path tmp) {
    Random r = new Random(SEED);
    long t0 = System.nanoTime();
    int succeeded = 0;
    int refused = 0;
    Map<String, Integer> engines = new TreeMap<>();
    List<Pred> rows = List.of();
    List<String> applied = List.of();
    Path dir = null;
    boolean emptyFile = false;
    for (int c = 0; c < CASES; c++) {
      if (c % RUNS_PER_TABLE == 0) {
        // a table: 8..120 valid rows, each corrupted with probability 0..0.5 (once or twice); one table in
        // six is left clean. Written once, then run RUNS_PER_TABLE times with different settings.
        List<Pred> table = new ArrayList<>(JobFixtures.generate(8 + r.nextInt(113), r.nextLong(), D1, D2));
        double rate = r.nextInt(6) == 0 ? 0 : r.nextDouble() * 0.5;
        List<String> corruptions = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
          int times = r.nextDouble() < rate ? 1 + r.nextInt(2) : 0;
          for (int t = 0; t < times; t++) {
            Corruption x = CORRUPTIONS.get(r.nextInt(CORRUPTIONS.size()));
            table.set(i, x.apply().apply(table.get(i)));
            corruptions.add(x.name());
          }
        }
        rows = table;
        applied = corruptions;
        dir = tmp.resolve("in" + c);
        JobFixtures.writeParquet(spark, rows, dir, 1 + r.nextInt(3));
        emptyFile = r.nextInt(3) == 0;
        if (emptyFile) {
          JobFixtures.frame(spark, List.of()).coalesce(1).write().mode("append").parquet(dir.toString());
        }
      }
      boolean vectors = r.nextInt(3) == 0;
      List<String> engineChoices = vectors ? VECTOR_ENGINES : ALL_ENGINES;
      String engine = engineChoices.get(r.nextInt(engineChoices.size()));
      List<String> pool = new ArrayList<>(SCALAR_LOSSES);
      if (vectors) {
        pool.addAll(VECTOR_LOSSES);
      }
      java.util.Collections.shuffle(pool, r);
      List<String> losses = new ArrayList<>(pool.subList(0, 2 + r.nextInt(3)));
      if (vectors && losses.stream().noneMatch(VECTOR_LOSSES::contains)) {
        losses.set(0, VECTOR_LOSSES.get(r.nextInt(VECTOR_LOSSES.size())));
      }
      boolean keyed = r.nextInt(4) != 0;
      boolean weighted = r.nextBoolean();
      String where = !engine.equals("columnar") && r.nextInt(4) == 0 ? (r.nextBoolean() ? "date = '" + D1 + "'"
          : "model = 'zzz'") : null;
      String policy = r.nextInt(3) == 0 ? "fail" : "skip";

      List<String> args = new ArrayList<>(List.of("--input", dir.toString(), "--output",
          tmp.resolve("out" + c).toString(), "--losses", String.join(",", losses), "--invalid", policy,
          "--conf", ReportPlan.ENGINE_CONF + "=" + engine, "--conf", "spark.sql.shuffle.partitions=1"));
      if (emptyFile) { // one partition per file: the empty file is an empty partition
        args.addAll(List.of("--conf", "spark.sql.files.maxPartitionBytes=1024", "--conf",
            "spark.sql.files.openCostInBytes=1024"));
      }
      if (keyed) {
        args.addAll(List.of("--partition-by", "date,model"));
      }
      if (weighted) {
        args.addAll(List.of("--weight", "weight"));
      }
      if (where != null) {
        args.addAll(List.of("--where", where));
      }
      List<Pred> data = rows;
      String what = "case " + c + ": " + String.join(" ", args) + "\ncorruptions " + applied;
      Outcome o = JobFixtures.run(args.toArray(new String[0]));
      engines.merge(engine, 1, Integer::sum);

      if (o.code() == 2 && policy.equals("fail") && !applied.isEmpty()) {
        assertTrue(o.errorLine().startsWith("error: "), what);
        refused++;
        continue;
      }
      assertEquals(0, o.code(), () -> what + "\n" + o);
      succeeded++;

      // the input rows of each group, counted from the generated data after the filter
      List<Pred> kept = data.stream().filter(p -> where == null || (where.startsWith("date")
          ? D1.equals(p.date()) : "zzz".equals(p.model()))).toList();
      Map<String, Long> inputRows = new HashMap<>();
      for (Pred p : kept) {
        inputRows.merge(ReportRows.OVERALL, 1L, Long::sum);
        if (keyed) {
          inputRows.merge(p.date() + "|" + p.model(), 1L, Long::sum);
        }
      }
      inputRows.putIfAbsent(ReportRows.OVERALL, 0L);
      List<Row> report = spark.read().parquet(tmp.resolve("out" + c).toString()).collectAsList();
      assertEquals(inputRows.size() * losses.size(), report.size(),
          () -> what + "\none report row per group and loss, groups " + inputRows + ", report " + report);
      for (Row row : report) {
        String group = row.getAs("grouping").equals(ReportRows.OVERALL) ? ReportRows.OVERALL
            : row.getAs("date") + "|" + row.getAs("model");
        Long n = inputRows.get(group);
        assertNotNull(n, () -> what + "\na report row for a group not in the input: " + row);
        Double value = row.getAs("value");
        long contributing = row.<Long>getAs("rows");
        long invalid = row.<Long>getAs("invalid_rows");
        double weightSum = row.<Double>getAs("weight_sum");
        assertEquals((long) n, contributing + invalid, () -> what + "\nrows + invalid_rows of " + row);
        assertFalse(value != null && Double.isNaN(value), () -> what + "\nNaN value: " + row);
        assertFalse(Double.isNaN(weightSum), () -> what + "\nNaN weight_sum: " + row);
        assertTrue(value != null || contributing == 0 || weightSum == 0,
            () -> what + "\nnull value while rows > 0: " + row);
        if (policy.equals("fail")) {
          assertEquals(0, invalid, () -> what + "\ninvalid rows under fail: " + row);
        }
        String reasons = row.getAs("invalid_reasons");
        assertEquals(invalid == 0, reasons == null, () -> what + "\n" + row);
        if (reasons != null) {
          long sum = Arrays.stream(reasons.split(",")).mapToLong(s -> Long.parseLong(s.split("=")[1])).sum();
          assertEquals(invalid, sum, () -> what + "\ninvalid_reasons do not add up: " + row);
        }
        assertTrue(Objects.equals(row.getAs("run_id"), report.get(0).getAs("run_id")));
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String summary = String.format("BadInputFuzzTest: %d cases on %d tables (seed %d): %d succeeded, %d refused "
        + "with exit 2 under fail; engines %s; %.1f s", CASES, (CASES + RUNS_PER_TABLE - 1) / RUNS_PER_TABLE, SEED,
        succeeded, refused, engines, seconds);
    System.out.println(summary);
    assertEquals(CASES, succeeded + refused);
  }
}
