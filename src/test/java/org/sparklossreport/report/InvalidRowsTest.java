package org.sparklossreport.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;
import static org.sparklossreport.testing.JobFixtures.key;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparklossreport.cli.MainTest;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Pred;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * Invalid rows (issue 5) under the three policies: {@code fail} stops with exit 2 naming the loss, its
 * columns, the reason, the count and an example key, and leaves no report (nor damages an earlier one);
 * {@code skip} counts them per key and loss so that rows + invalid_rows = input rows; {@code quarantine}
 * writes exactly the invalid (row, loss) pairs. The reasons expected are derived here from the rules of
 * spec/losses.md, row by row, not from the job's code.
 */
@SparkTest
class InvalidRowsTest {
  private static final String MSE = "mse";
  private static final String BCE = "binary_cross_entropy(label=clicked,prediction=p_click)";
  private static final String LOG_LOSS = "log_loss(label=class,prediction=probs)";
  private static final String CCE = "categorical_cross_entropy(label=onehot,prediction=probs)";
  private static final String SCALAR_COLUMNS = "label 'label', prediction 'prediction'";

  /** Reason labels in the order the report lists them. */
  private static final List<String> REASONS = List.of("null", "not_finite", "probability_out_of_range",
      "label_out_of_range", "prediction_out_of_range", "class_index_out_of_range", "vector_length_mismatch",
      "invalid_weight");

  // ---- the expected reason of a row for a loss, from the spec's rules ----

  private static boolean finite(Double x) {
    return Double.isFinite(x);
  }

  private static boolean probability(double x) {
    return x >= 0 && x <= 1;
  }

  /**
   * Why {@code p} does not count for {@code loss} (null when it does): a null input first, then a bad
   * weight, then a non-finite input, then the loss's own domain. The tests give a row at most one fault
   * per loss, so the order only matters for weights, which spoil every loss at once.
   */
  static String reason(Pred p, String loss, boolean weighted) {
    Double w = weighted ? p.weight() : Double.valueOf(1);
    switch (loss) {
      case BCE -> {
        if (p.clicked() == null || p.pClick() == null || w == null) {
          return "null";
        }
        if (!(w >= 0) || w.isInfinite()) {
          return "invalid_weight";
        }
        if (!finite(p.pClick())) {
          return "not_finite";
        }
        if (!probability(p.clicked())) {
          return "label_out_of_range";
        }
        return probability(p.pClick()) ? null : "probability_out_of_range";
      }
      case LOG_LOSS, CCE -> {
        boolean cce = loss.equals(CCE);
        if ((cce ? p.onehot() == null : p.cls() == null) || p.probs() == null || w == null) {
          return "null";
        }
        if (!(w >= 0) || w.isInfinite()) {
          return "invalid_weight";
        }
        if (!allFinite(p.probs()) || (cce && !allFinite(p.onehot()))) {
          return "not_finite";
        }
        if (cce) {
          if (p.onehot().length != p.probs().length) {
            return "vector_length_mismatch";
          }
          if (!allProbabilities(p.onehot())) {
            return "label_out_of_range";
          }
        } else if (p.cls() < 0 || p.cls() >= p.probs().length) {
          return "class_index_out_of_range";
        }
        return allProbabilities(p.probs()) ? null : "probability_out_of_range";
      }
      default -> { // mse and the other losses of label and prediction (numbers)
        if (p.label() == null || p.prediction() == null || w == null) {
          return "null";
        }
        if (!(w >= 0) || w.isInfinite()) {
          return "invalid_weight";
        }
        return finite(p.label()) && finite(p.prediction()) ? null : "not_finite";
      }
    }
  }

  private static boolean allFinite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allProbabilities(double[] v) {
    for (double x : v) {
      if (!probability(x)) {
        return false;
      }
    }
    return true;
  }

  /** "null=2,invalid_weight=1" in report order, null when none. */
  static String reasons(List<Pred> rows, String loss, boolean weighted) {
    Map<String, Integer> n = new LinkedHashMap<>();
    REASONS.forEach(r -> n.put(r, 0));
    for (Pred p : rows) {
      String r = reason(p, loss, weighted);
      if (r != null) {
        n.merge(r, 1, Integer::sum);
      }
    }
    List<String> parts = n.entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> e.getKey() + "=" + e.getValue()).toList();
    return parts.isEmpty() ? null : String.join(",", parts);
  }

  // ---- fail ----

  /** One kind of invalid input: the loss, the row changes (applied to rows of key 2026-11-02,b), the reason. */
  record FailCase(String name, String loss, boolean weighted, List<UnaryOperator<Pred>> spoil, String reason,
      String columns) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<FailCase> failCases() {
    double[] p3 = {0.2, 0.3, 0.5};
    return List.of(
        new FailCase("null label", MSE, false, List.of(p -> p.withLabel(null), p -> p.withLabel(null)), "null",
            SCALAR_COLUMNS),
        new FailCase("NaN prediction", MSE, false, List.of(p -> p.withPrediction(Double.NaN)), "not_finite",
            SCALAR_COLUMNS),
        new FailCase("infinite prediction and label", MSE, false, List.of(
            p -> p.withPrediction(Double.POSITIVE_INFINITY), p -> p.withLabel(Double.NEGATIVE_INFINITY)),
            "not_finite", SCALAR_COLUMNS),
        new FailCase("probability outside [0,1]", BCE, false, List.of(p -> p.withBinary(1, 1.5),
            p -> p.withBinary(0, -0.25)), "probability_out_of_range", "label 'clicked', prediction 'p_click'"),
        new FailCase("binary label outside [0,1]", BCE, false, List.of(p -> p.withBinary(2, 0.5)),
            "label_out_of_range", "label 'clicked', prediction 'p_click'"),
        new FailCase("class index out of range", LOG_LOSS, false, List.of(p -> p.withClass(3, p3),
            p -> p.withClass(-1, p3)), "class_index_out_of_range", "label 'class', prediction 'probs'"),
        new FailCase("vectors of different lengths", CCE, false, List.of(p -> p.withOnehot(new double[] {0, 1})),
            "vector_length_mismatch", "label 'onehot', prediction 'probs'"),
        new FailCase("negative weight", MSE, true, List.of(p -> p.withWeight(-1.0)), "invalid_weight",
            SCALAR_COLUMNS + ", weight 'weight'"),
        new FailCase("NaN weight", MSE, true, List.of(p -> p.withWeight(Double.NaN)), "invalid_weight",
            SCALAR_COLUMNS + ", weight 'weight'"));
  }

  /** 40 valid rows (4 keys of 10), the changes applied to the first rows of key 2026-11-02,b. */
  private static List<Pred> spoilKey(long seed, List<UnaryOperator<Pred>> spoil) {
    List<Pred> rows = new ArrayList<>(JobFixtures.generate(40, seed, D1, D2));
    int done = 0;
    for (int i = 0; i < rows.size() && done < spoil.size(); i++) {
      if (rows.get(i).date().equals(D2) && rows.get(i).model().equals("b")) {
        rows.set(i, spoil.get(done++).apply(rows.get(i)));
      }
    }
    return rows;
  }

  /** Names of hidden leftovers of a report writer beside {@code out}: staging, backups, probes. */
  private static List<Path> leftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\..*\\.(staging|previous|probe)-.*")).toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failCases")
  void failNamesLossColumnsReasonCountAndAKey(FailCase c, SparkSession spark, @TempDir Path tmp) throws IOException {
    String in = JobFixtures.writeParquet(spark, spoilKey(51, c.spoil()), tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    List<String> args = new ArrayList<>(List.of("--input", in, "--partition-by", "date,model", "--losses",
        "mae," + c.loss(), "--output", out.toString()));
    if (c.weighted()) {
      args.addAll(List.of("--weight", "weight"));
    }
    String error = JobFixtures.usageError(args.toArray(new String[0]));
    // mae reads the same columns as mse: for the scalar faults, the first loss named is mae.
    String loss = c.loss().equals(MSE) ? "mae" : c.loss();
    String expected = "error: " + c.spoil().size() + " invalid row(s) for loss " + loss + " (" + c.columns() + "): "
        + c.reason() + " (";
    assertTrue(error.startsWith(expected), () -> "expected '" + expected + "...' but got: " + error);
    assertTrue(error.contains("e.g. in key date=" + D2 + ",model=b"), error);
    assertTrue(error.contains("--invalid skip"), error);
    assertFalse(Files.exists(out), "a failed run left a report");
    assertEquals(List.of(), leftovers(tmp));
  }

  @Test
  void failOnAKeyWhoseWeightsSumToZero(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<UnaryOperator<Pred>> zero = Collections.nCopies(10, p -> p.withWeight(0.0));
    String in = JobFixtures.writeParquet(spark, spoilKey(52, zero), tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    String error = JobFixtures.usageError("--input", in, "--partition-by", "date,model", "--losses", "mse",
        "--weight", "weight", "--output", out.toString());
    assertTrue(error.startsWith("error: loss mse: the weights (" + SCALAR_COLUMNS + ", weight 'weight') of key date="
        + D2 + ",model=b sum to 0"), error);
    assertFalse(Files.exists(out));
    assertEquals(List.of(), leftovers(tmp));
  }

  @Test
  void aFailedRunLeavesTheEarlierReportAsItWas(SparkSession spark, @TempDir Path tmp) throws IOException {
    String good = JobFixtures.writeParquet(spark, JobFixtures.generate(40, 53, D1, D2), tmp.resolve("good"), 1);
    String bad = JobFixtures.writeParquet(spark, spoilKey(53, List.of(p -> p.withLabel(null))), tmp.resolve("bad"), 1);
    Path out = tmp.resolve("report");
    String[] common = {"--partition-by", "date,model", "--losses", "mse,mae", "--output", out.toString()};
    JobFixtures.ok(MainTest.concat(common, "--input", good));
    Map<String, Long> files = listing(out);
    List<Row> before = JobFixtures.readReport(spark, out.toString(), "parquet", null).collectAsList();

    String error = JobFixtures.usageError(MainTest.concat(common, "--input", bad));
    assertTrue(error.contains("1 invalid row(s) for loss mse"), error);
    assertEquals(files, listing(out), "the earlier report's files changed");
    List<Row> after = JobFixtures.readReport(spark, out.toString(), "parquet", null).collectAsList();
    assertEquals(new java.util.HashSet<>(before), new java.util.HashSet<>(after));
    assertEquals(List.of(), leftovers(tmp));
  }

  private static Map<String, Long> listing(Path dir) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.size(p));
      }
    }
    return out;
  }

  // ---- skip and quarantine ----

  private static final List<String> LOSSES = List.of(MSE, BCE, LOG_LOSS, CCE);

  /**
   * Rows of 3 keys with one fault of each kind, plus a key (2026-11-03,z) where every row is invalid for
   * mse and one (2026-11-03,y) whose weights are all 0.
   */
  private static List<Pred> mixed() {
    List<Pred> rows = new ArrayList<>(JobFixtures.generate(60, 54, D1, D2, "2026-11-03"));
    double[] p3 = {0.2, 0.3, 0.5};
    List<UnaryOperator<Pred>> faults = List.of(
        p -> p.withLabel(null), p -> p.withPrediction(Double.NaN), p -> p.withLabel(Double.POSITIVE_INFINITY),
        p -> p.withBinary(1, 1.5), p -> p.withBinary(-1, 0.5), p -> p.withBinary(null, 0.5),
        p -> p.withClass(3, p.probs()), p -> p.withClass(null, p.probs()),
        p -> p.withOnehot(new double[] {1, 0}), p -> p.withClass(p.cls(), new double[] {0.5, Double.NaN, 0.5}),
        p -> p.withClass(p.cls(), new double[] {1.2, -0.1, -0.1}),
        p -> p.withWeight(-2.0), p -> p.withWeight(Double.NaN), p -> p.withWeight(Double.POSITIVE_INFINITY),
        p -> p.withWeight(null), p -> p.withClass(0, p3).withOnehot(null));
    // Faults go to the first rows of keys (D1,a) and (D2,b), alternately.
    int a = 0;
    int b = 0;
    for (int f = 0; f < faults.size(); f++) {
      String date = f % 2 == 0 ? D1 : D2;
      String model = f % 2 == 0 ? "a" : "b";
      int at = f % 2 == 0 ? a++ : b++;
      int seen = 0;
      for (int i = 0; i < rows.size(); i++) {
        Pred p = rows.get(i);
        if (p.date().equals(date) && p.model().equals(model) && seen++ == at) {
          rows.set(i, faults.get(f).apply(p));
          break;
        }
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      Pred p = rows.get(i);
      if (p.date().equals("2026-11-03")) {
        rows.set(i, p.model().equals("a") ? p.withWeight(0.0).withKey("2026-11-03", "y")
            : p.withLabel(null).withKey("2026-11-03", "z"));
      }
    }
    return rows;
  }

  /** The report checked against the rows: counts, reasons, values over the valid rows of each loss. */
  private static void checkCounts(Map<String, Row> report, List<Pred> rows) {
    Map<String, List<Pred>> groups = JobFixtures.groups(rows, p -> p.date() + "|" + p.model());
    groups.put(null, rows);
    for (Map.Entry<String, List<Pred>> g : groups.entrySet()) {
      String grouping = g.getKey() == null ? ReportRows.OVERALL : "date,model";
      Object[] kv = g.getKey() == null ? new Object[] {"null", "null"} : g.getKey().split("\\|");
      for (String loss : LOSSES) {
        String k = key(grouping, loss, kv);
        Row r = report.get(k);
        assertNotNull(r, () -> "no report row " + k + " in " + report.keySet());
        List<Pred> ok = g.getValue().stream().filter(p -> reason(p, loss, true) == null).toList();
        long rowsCol = r.getAs("rows");
        long invalid = r.getAs("invalid_rows");
        assertEquals(ok.size(), rowsCol, k + " rows");
        assertEquals(g.getValue().size(), rowsCol + invalid, k + ": rows + invalid_rows = input rows");
        assertEquals(reasons(g.getValue(), loss, true), r.getAs("invalid_reasons"), k + " invalid_reasons");
        double w = ok.stream().mapToDouble(Pred::weight).sum();
        Approx.assertClose(w, r.getAs("weight_sum"), 1e-12, 0, k + " weight_sum");
        Double value = r.getAs("value");
        if (ok.isEmpty() || w == 0) {
          assertNull(value, k + ": no valid row, or weights summing to 0, give no value");
        } else {
          Approx.assertClose(JobFixtures.formula(loss, ok, true), value, 1e-12, 0, k);
        }
      }
    }
  }

  @Test
  void skipCountsEveryReasonPerKeyAndLoss(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = mixed();
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String out = tmp.resolve("report").toString();
    JobFixtures.ok("--input", in, "--partition-by", "date,model", "--weight", "weight", "--losses",
        String.join(",", LOSSES), "--invalid", "skip", "--output", out);
    Map<String, Row> report = JobFixtures.byKey(JobFixtures.readReport(spark, out, "parquet", null),
        List.of("date", "model"));
    checkCounts(report, rows);
    // Named cases: the key whose every row is invalid for mse, and the key whose weights are all 0.
    Row allInvalid = report.get(key("date,model", MSE, "2026-11-03", "z"));
    assertNull(allInvalid.getAs("value"));
    assertEquals(0L, (long) allInvalid.getAs("rows"));
    assertTrue((long) allInvalid.getAs("invalid_rows") > 0);
    Row zeroWeight = report.get(key("date,model", MSE, "2026-11-03", "y"));
    assertNull(zeroWeight.getAs("value"));
    assertTrue((long) zeroWeight.getAs("rows") > 0);
    assertEquals(0.0, (double) zeroWeight.getAs("weight_sum"));
  }

  @Test
  void quarantineHoldsExactlyTheInvalidRowLossPairs(SparkSession spark, @TempDir Path tmp) {
    List<Pred> rows = mixed();
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    String out = tmp.resolve("report").toString();
    String bad = tmp.resolve("bad-rows").toString();
    JobFixtures.ok("--input", in, "--partition-by", "date,model", "--weight", "weight", "--losses",
        String.join(",", LOSSES), "--invalid", "quarantine " + bad, "--output", out, "--output-format", "json");
    StructType schema = JobFixtures.SCHEMA.add("loss", DataTypes.StringType).add("reason", DataTypes.StringType);
    List<Row> expected = new ArrayList<>();
    for (Pred p : rows) {
      for (String loss : LOSSES) {
        String r = reason(p, loss, true);
        if (r != null) {
          Object[] v = new Object[schema.size()];
          Row base = p.toRow();
          for (int i = 0; i < base.size(); i++) {
            v[i] = base.get(i);
          }
          v[base.size()] = loss;
          v[base.size() + 1] = r;
          expected.add(RowFactory.create(v));
        }
      }
    }
    Dataset<Row> want = spark.createDataFrame(expected, schema);
    // The quarantine is written in the report's format (JSON here; NaN and null kept).
    Dataset<Row> got = spark.read().schema(schema).option("mode", "FAILFAST").json(bad);
    assertEquals(expected.size(), got.count());
    assertEquals(0, want.exceptAll(got).count(), "quarantine misses invalid pairs");
    assertEquals(0, got.exceptAll(want).count(), "quarantine holds pairs that are not invalid");
    // The report still counts them, as under skip.
    checkCounts(JobFixtures.byKey(JobFixtures.readReport(spark, out, "json", JobFixtures.REPORT),
        List.of("date", "model")), rows);
  }

  // ---- randomized: garbage among valid rows ----

  /** A copy of {@code p} made invalid for every loss of {@link #RANDOM_LOSSES}, in a random way. */
  private static Pred garbage(Pred p, Random r) {
    switch (r.nextInt(5)) {
      case 0:
        return p.withWeight(-0.01 - r.nextDouble());
      case 1:
        return p.withWeight(Double.NaN);
      case 2:
        return p.withWeight(r.nextBoolean() ? Double.POSITIVE_INFINITY : null);
      default:
        break;
    }
    // One fault for each group of columns: (label, prediction), (clicked, p_click), class, onehot.
    Pred q = switch (r.nextInt(5)) {
      case 0 -> p.withLabel(null);
      case 1 -> p.withPrediction(null);
      case 2 -> p.withPrediction(Double.NaN);
      case 3 -> p.withLabel(Double.POSITIVE_INFINITY);
      default -> p.withPrediction(Double.NEGATIVE_INFINITY);
    };
    q = switch (r.nextInt(5)) {
      case 0 -> q.withBinary(2, q.pClick());
      case 1 -> q.withBinary(-1, q.pClick());
      case 2 -> q.withBinary(q.clicked(), 1 + r.nextDouble());
      case 3 -> q.withBinary(q.clicked(), Double.NaN);
      default -> q.withBinary(null, q.pClick());
    };
    if (r.nextInt(4) == 0) { // a bad probability vector spoils both vector losses at once
      double[] bad = r.nextBoolean() ? new double[] {0.5, Double.NaN, 0.5} : new double[] {1.5, -0.25, -0.25};
      return r.nextBoolean() ? q.withClass(q.cls(), bad) : q.withClass(q.cls(), null);
    }
    q = switch (r.nextInt(3)) {
      case 0 -> q.withClass(3 + r.nextInt(5), q.probs());
      case 1 -> q.withClass(-1 - r.nextInt(5), q.probs());
      default -> q.withClass(null, q.probs());
    };
    return switch (r.nextInt(3)) {
      case 0 -> q.withOnehot(new double[] {0, 1});
      case 1 -> q.withOnehot(new double[] {0, 0, 1, 0});
      default -> q.withOnehot(null);
    };
  }

  private static final List<String> RANDOM_LOSSES = List.of(MSE, "mae", "r2", "huber(delta=1.5)", "mse_gradient",
      BCE, LOG_LOSS, CCE);

  /**
   * Garbage mixed into valid data, in random places (fixed seed): under skip the report equals the report
   * of the valid rows alone, and the counts add up.
   *
   * <p>Values are compared to a relative 1e-13, not bitwise: the job sums with Neumaier's compensated
   * summation, whose result is within about one ulp of the exact sum whatever the order of the terms,
   * but not the same ulp for every order, and the garbage rows change how the valid rows fall into
   * partitions and in which order the partial states are merged. A value is a ratio of two such sums
   * (r2 and rmse a little more arithmetic), so a few ulps (≈ 1e-15 relative) is the expected difference;
   * 1e-13 bounds it with room and would still catch a single row counted or lost (≥ 1e-4 here).
   */
  @Test
  void garbageRowsUnderSkipGiveTheReportOfTheValidRowsAlone(SparkSession spark, @TempDir Path tmp) {
    Random r = new Random(20261124L);
    List<Pred> valid = JobFixtures.generate(1200, 55, D1, D2, "2026-11-03");
    List<Pred> all = new ArrayList<>(valid);
    for (int i = 0; i < 300; i++) {
      all.add(garbage(valid.get(r.nextInt(valid.size())), r));
    }
    for (int i = 0; i < 25; i++) { // a key of garbage only
      all.add(garbage(valid.get(r.nextInt(valid.size())).withKey("2026-11-04", "a"), r));
    }
    Collections.shuffle(all, r);
    Set<Pred> validRows = Collections.newSetFromMap(new IdentityHashMap<>());
    validRows.addAll(valid);
    for (Pred p : all) {
      for (String loss : List.of(MSE, BCE, LOG_LOSS, CCE)) {
        boolean wasValid = validRows.contains(p);
        assertEquals(wasValid, reason(p, loss, true) == null, () -> "the generator made " + p + " for " + loss);
      }
    }
    String withGarbage = JobFixtures.writeParquet(spark, all, tmp.resolve("all"), 3);
    String validOnly = JobFixtures.writeParquet(spark, valid, tmp.resolve("valid"), 2);
    String[] common = {"--partition-by", "date,model", "--weight", "weight", "--losses", String.join(",",
        RANDOM_LOSSES), "--invalid", "skip"};
    JobFixtures.ok(MainTest.concat(common, "--input", withGarbage, "--output", tmp.resolve("g").toString()));
    JobFixtures.ok(MainTest.concat(common, "--input", validOnly, "--output", tmp.resolve("v").toString()));
    List<String> keys = List.of("date", "model");
    Map<String, Row> g = JobFixtures.byKey(JobFixtures.readReport(spark, tmp.resolve("g").toString(), "parquet", null),
        keys);
    Map<String, Row> v = JobFixtures.byKey(JobFixtures.readReport(spark, tmp.resolve("v").toString(), "parquet", null),
        keys);

    Map<String, List<Pred>> inputByKey = JobFixtures.groups(all, p -> p.date() + "|" + p.model());
    for (Map.Entry<String, Row> e : g.entrySet()) {
      String k = e.getKey();
      Row gr = e.getValue();
      String[] parts = k.split("\\|");
      List<Pred> input = parts[0].equals(ReportRows.OVERALL) ? all : inputByKey.get(parts[1] + "|" + parts[2]);
      // the loss whose rows count: mae, r2, huber and mse_gradient read the columns mse reads
      String loss = List.of(BCE, LOG_LOSS, CCE).contains(parts[3]) ? parts[3] : MSE;
      long rows = gr.getAs("rows");
      long invalid = gr.getAs("invalid_rows");
      assertEquals(input.size(), rows + invalid, k + ": rows + invalid_rows = input rows");
      assertEquals(input.stream().filter(p -> !validRows.contains(p)).count(), invalid, k + " invalid_rows");
      assertEquals(reasons(input, loss, true), gr.getAs("invalid_reasons"), k);
      Row vr = v.get(k);
      if (vr == null) { // the key of garbage only
        assertEquals("2026-11-04", parts[1], k);
        assertNull(gr.getAs("value"), k);
        assertEquals(0L, rows, k);
        continue;
      }
      assertEquals((long) vr.getAs("rows"), rows, k);
      Approx.assertClose(vr.getAs("weight_sum"), gr.getAs("weight_sum"), 1e-13, 0, k + " weight_sum");
      Approx.assertClose(vr.getAs("value"), gr.getAs("value"), 1e-13, 0, k);
    }
    assertEquals(g.size(), v.size() + RANDOM_LOSSES.size() + 2, "the garbage-only key's rows, and no other extra");
  }
}
