package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.ok;
import static org.sparklossreport.testing.JobFixtures.usageError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * Composite (multi-task) losses (issue 31) through the job, its rollup and the builder, against NumPy/SciPy
 * ({@code src/test/resources/composite/make_golden.py}, which writes each row's bucket of {@code --id-column id}
 * beside it, checked here against Spark's {@code xxhash64}): the total Σ λₜ·valueₜ with each head over its own
 * valid rows, the documented counts, the jackknife of the bucket-wise totals, the paired delta against a
 * baseline, gates on the total, and a rollup of the heads' saved states that recomputes it.
 */
@ExtendWith(SharedSparkSession.class)
class CompositeLossTest {
  private static final Path GOLDEN = Path.of("src/test/resources/composite");
  private static final String SCHEMA =
      "id BIGINT, model STRING, click DOUBLE, p_click DOUBLE, dwell DOUBLE, p_dwell DOUBLE, bucket_py INT";
  static final String BCE = "binary_cross_entropy(label=click,prediction=p_click)";
  static final String MSE = "mse(label=dwell,prediction=p_dwell)";
  static final String TOTAL = "total=0.7*" + BCE + "+0.3*" + MSE;
  private static final List<String> CI = List.of("std_error", "ci_low", "ci_high");
  private static final List<String> DELTA = List.of("delta", "delta_std_error", "delta_ci_low", "delta_ci_high");

  private static String[] job(String out, String losses, String... more) {
    List<String> a = new ArrayList<>(List.of("--input", GOLDEN.resolve("input.csv").toString(), "--input-format",
        "csv", "--input-schema", SCHEMA, "--partition-by", "model", "--losses", losses, "--invalid", "skip",
        "--output", out));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static final String[] CI_ARGS = {"--ci", "jackknife", "--ci-buckets", "10", "--ci-level", "0.9",
      "--id-column", "id", "--compare-by", "model", "--baseline", "a"};

  /** Report rows by grouping|model|loss. */
  private static Map<String, Row> read(SparkSession spark, String path) {
    Map<String, Row> got = new HashMap<>();
    for (Row r : spark.read().parquet(path).collectAsList()) {
      got.put(r.getAs("grouping") + "|" + (r.getAs("model") == null ? "" : r.getAs("model")) + "|" + r.getAs("loss"), r);
    }
    return got;
  }

  private static void assertGolden(Map<String, Row> got, String what) throws IOException {
    List<String> lines = Files.readAllLines(GOLDEN.resolve("expected.csv"));
    assertEquals(3 * 3, lines.size() - 1);
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = csv(line);
      String key = f.get(0) + "|" + f.get(1) + "|" + f.get(2);
      Row r = got.get(key);
      assertNotNull(r, what + ": " + key + " in " + got.keySet());
      Approx.assertClose(Double.parseDouble(f.get(3)), r.getAs("value"), 1e-12, 0, what + " " + key + " value");
      assertEquals(Long.parseLong(f.get(4)), (long) r.getAs("rows"), what + " " + key + " rows");
      assertEquals(Long.parseLong(f.get(5)), (long) r.getAs("invalid_rows"), what + " " + key + " invalid_rows");
      for (int i = 0; i < 7; i++) {
        String col = i < 3 ? CI.get(i) : DELTA.get(i - 3);
        String want = f.get(6 + i);
        if (want.isEmpty()) {
          assertNull(r.getAs(col), what + " " + key + " " + col);
        } else {
          Approx.assertClose(Double.parseDouble(want), r.getAs(col), 1e-10, 0, what + " " + key + " " + col);
        }
      }
    }
  }

  /** Fields of a CSV line whose quoted fields hold commas but no quotes. */
  private static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(b.toString());
        b.setLength(0);
      } else {
        b.append(c);
      }
    }
    out.add(b.toString());
    return out;
  }

  @Test
  void theTotalItsIntervalAndItsDeltaEqualNumPyAndARollupOfTheHeadsRecomputesThem(SparkSession spark,
      @TempDir Path tmp) throws IOException {
    Dataset<Row> in = spark.read().schema(SCHEMA).option("header", "true").csv(GOLDEN.resolve("input.csv").toString());
    assertEquals(0, in.where("pmod(xxhash64(id), 10) <> bucket_py").count(),
        "make_golden.py computes each row's bucket as Spark's pmod(xxhash64(id), B)");
    assertTrue(in.where("click IS NULL AND dwell IS NOT NULL").count() > 0
        && in.where("dwell IS NULL AND click IS NOT NULL").count() > 0, "each head misses labels the other has");

    String out = tmp.resolve("report").toString();
    String states = tmp.resolve("states").toString();
    JobFixtures.Outcome o = ok(job(out, TOTAL, concat(CI_ARGS, "--states", states)));
    assertTrue(o.out().contains("total"), "the summary shows the total:\n" + o);
    Map<String, Row> got = read(spark, out);
    assertEquals(9, got.size(), "the total and its two heads, by model and overall: " + got.keySet());
    assertGolden(got, "run");
    Row total = got.get("overall||total");
    assertEquals(BCE + "/null=90," + MSE + "/null=120", total.getAs("invalid_reasons"), "the reasons name the head");
    assertEquals(990.0, (double) total.getAs("weight_sum"), 0, "unit weights: the heads' rows");

    // the states hold the heads only; the rollup recomputes the total from them
    List<String> saved = spark.read().parquet(states).select("loss").distinct().orderBy("loss").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(2, saved.size(), "one state per head: " + saved);
    assertTrue(saved.stream().noneMatch(s -> s.startsWith("total")), saved.toString());
    String rolled = tmp.resolve("rolled").toString();
    ok("rollup", "--states", states, "--losses", TOTAL, "--ci", "jackknife", "--ci-level", "0.9", "--compare-by",
        "model", "--baseline", "a", "--output", rolled);
    Map<String, Row> r = read(spark, rolled);
    assertEquals(got.keySet(), r.keySet());
    assertGolden(r, "rollup");
    assertEquals(total.getAs("invalid_reasons"), (String) r.get("overall||total").getAs("invalid_reasons"));

    String lacking = usageError("rollup", "--states", states, "--losses", "total=" + BCE + "+mae(label=dwell,"
        + "prediction=p_dwell)", "--output", tmp.resolve("lacking").toString());
    assertTrue(lacking.contains("--losses total: head mae(label=dwell,prediction=p_dwell): the states at"), lacking);

    // without --losses a rollup reports the heads it holds (the states do not record the composite)
    String plain = tmp.resolve("plain").toString();
    ok("rollup", "--states", states, "--output", plain);
    assertEquals(6, read(spark, plain).size());
  }

  @Test
  void gatesAndComparisonsTakeTheTotalsName(SparkSession spark, @TempDir Path tmp) {
    JobFixtures.Outcome worse = JobFixtures.run(job(tmp.resolve("g1").toString(), TOTAL,
        concat(CI_ARGS, "--fail-if", "delta_ci_low(total) > 0", "--fail-if", "overall: ci_high(total) > 1000")));
    assertEquals(3, worse.code(), "model b's total is worse than a's beyond doubt:\n" + worse);
    assertTrue(worse.err().contains("gate failed: delta_ci_low(total) > 0"), worse.toString());
    assertTrue(!worse.err().contains("ci_high(total) > 1000"), worse.toString());
    String e = usageError(job(tmp.resolve("g2").toString(), TOTAL, "--fail-if", "totl > 1"));
    assertTrue(e.contains("totl"), e);
  }

  @Test
  void aHeadAlsoRequestedAloneIsListedOnceAndAHeadWithoutValidRowsMakesTheTotalNull(SparkSession spark,
      @TempDir Path tmp) {
    String out = tmp.resolve("once").toString();
    ok(job(out, MSE + "," + TOTAL + ",mse(label=dwell,prediction=p_click)", "--where", "model = 'a'"));
    Map<String, Row> got = read(spark, out);
    assertEquals(2 * 4, got.size(), "three heads once each and the total, by model and overall: " + got.keySet());

    // no row with a click label: the click head and the total are null, the dwell head is not
    String none = tmp.resolve("none").toString();
    ok(job(none, TOTAL, "--where", "click IS NULL"));
    Map<String, Row> z = read(spark, none);
    assertNull(z.get("model|a|" + BCE).getAs("value"));
    assertNotNull(z.get("model|a|" + MSE).getAs("value"));
    assertNull(z.get("model|a|total").getAs("value"), "null when a head has no valid row");
    assertEquals((long) z.get("model|a|" + MSE).getAs("rows"), (long) z.get("model|a|total").getAs("rows"));
  }

  @Test
  void aBadCompositeIsAUsageErrorNamingThePartAtFault(@TempDir Path tmp) {
    String out = tmp.resolve("bad").toString();
    String[][] cases = {
        {"total=0.7*binary_cross_entropyy(label=click,prediction=p_click)+0.3*" + MSE, "term 1",
            "unknown loss 'binary_cross_entropyy'"},
        {"total=0*" + BCE + "+0.3*" + MSE, "term 1", "weight 0 must be a finite number > 0"},
        {"total=-1*" + BCE, "term 1", "weight -1 must be"},
        {"total=x*" + BCE + "+0.3*" + MSE, "term 1", "weight 'x' is not a number"},
        {"total=0.7*" + BCE + "+0.3*mse(label=dwel,prediction=p_dwell)", "mse(label=dwel,prediction=p_dwell)",
            "dwel"},
        {TOTAL + "," + TOTAL, "composite total twice", ""},
        {"mse=0.7*" + BCE + "+0.3*" + MSE, "name 'mse' is the name of a loss", ""},
        {"1x=" + BCE, "name '1x'", ""},
        {"total=" + BCE + "+", "term 2", "empty"},
        {"total=" + BCE + "+0.5*" + BCE, "appears twice", ""},
    };
    for (String[] c : cases) {
      String e = usageError(job(out, c[0]));
      assertTrue(e.contains(c[1]) && e.contains(c[2]), c[0] + " -> " + e);
    }
    assertTrue(!Files.exists(Path.of(out)), "no output is left behind");
    String e = usageError("--input", GOLDEN.resolve("input.csv").toString(), "--input-format", "csv", "--input-schema",
        SCHEMA, "--losses", TOTAL, "--output", out); // --invalid fail, the default
    assertTrue(e.contains("for loss " + BCE + " (label 'click', prediction 'p_click', a head of total): null")
        && e.contains("--invalid skip"), e);
  }

  /** The example job file conf/multi-task.yaml, on the golden input: the composite from a YAML list. */
  @Test
  void theExampleJobFileReportsTheTotal(SparkSession spark, @TempDir Path tmp) throws IOException {
    String out = tmp.resolve("conf").toString();
    ok("--config", "conf/multi-task.yaml", "--input", GOLDEN.resolve("input.csv").toString(), "--input-format", "csv",
        "--input-schema", SCHEMA, "--partition-by", "model", "--ci-level", "0.9", "--ci-buckets", "10",
        "--output", out);
    Map<String, Row> got = read(spark, out);
    List<String> lines = Files.readAllLines(GOLDEN.resolve("expected.csv"));
    List<String> overall = csv(lines.get(lines.size() - 1));
    assertEquals("total", overall.get(2));
    Approx.assertClose(Double.parseDouble(overall.get(3)), got.get("overall||total").getAs("value"), 1e-12, 0, "total");
    Approx.assertClose(Double.parseDouble(overall.get(6)), got.get("overall||total").getAs("std_error"), 1e-10, 0,
        "std_error");
  }

  /**
   * The builder's report equals PyTorch's weighted total of a BCE and an MSE head, each over the rows with
   * its label ({@code make_torch_golden.py}: {@code 0.7 * F.binary_cross_entropy + 0.3 * F.mse_loss}, float64).
   */
  @Test
  void theBuildersTotalEqualsPyTorchs(SparkSession spark) throws IOException {
    Dataset<Row> in = spark.read().schema(SCHEMA).option("header", "true").csv(GOLDEN.resolve("input.csv").toString());
    Map<String, Row> got = new HashMap<>();
    for (Row r : LossReport.of(in).partitionBy("model").losses(TOTAL).invalid("skip").compute().collectAsList()) {
      got.put(r.getAs("grouping") + "|" + (r.getAs("model") == null ? "" : r.getAs("model")) + "|" + r.getAs("loss"), r);
    }
    List<String> lines = Files.readAllLines(GOLDEN.resolve("torch_expected.csv"));
    assertEquals(3, lines.size() - 1);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      String key = f[0] + "|" + f[1] + "|";
      for (int i = 0; i < 3; i++) {
        String loss = List.of(BCE, MSE, "total").get(i);
        Approx.assertClose(Double.parseDouble(f[2 + i]), got.get(key + loss).getAs("value"), 1e-12, 0, key + loss);
      }
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
