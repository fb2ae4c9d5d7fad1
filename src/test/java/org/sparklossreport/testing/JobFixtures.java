package org.sparklossreport.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.cli.Main;
import org.sparklossreport.core.Loss;
import org.sparklossreport.functions.LossFunctions;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.report.ReportRows;

/**
 * Test support for the job's tests: running {@link Main#run} with captured output, a small deterministic
 * prediction table (regression, binary and 3-class columns under date × model keys), writing it as
 * Parquet or CSV, reading a report back, and the losses recomputed from their formulas with plain loops
 * (the independent expected values).
 */
public final class JobFixtures {
  private JobFixtures() {}

  /** What one {@code Main.run} gave: exit code, standard output, standard error. */
  public record Outcome(int code, String out, String err) {
    /** The one {@code error:} line (fails unless there is exactly one). */
    public String errorLine() {
      List<String> lines = err.lines().filter(l -> l.startsWith("error:")).toList();
      assertEquals(1, lines.size(), "expected exactly one 'error:' line on stderr, got: " + err);
      return lines.get(0);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs the command as a user would, on the shared session (Main reuses the active one). */
  public static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e);
    }
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs and asserts exit code 0. */
  public static Outcome ok(String... args) {
    Outcome o = run(args);
    assertEquals(0, o.code(), () -> "expected success of " + Arrays.toString(args) + "\n" + o);
    return o;
  }

  /** Runs, asserts exit code 2, and returns the {@code error:} line. */
  public static String usageError(String... args) {
    Outcome o = run(args);
    assertEquals(2, o.code(), () -> "expected exit code 2 for " + Arrays.toString(args) + "\n" + o);
    String line = o.errorLine();
    assertTrue(line.startsWith("error: "), line);
    return line;
  }

  /** The two dates of the test tables. */
  public static final String D1 = "2026-11-01";
  public static final String D2 = "2026-11-02";

  /** One prediction row of the test table. */
  public record Pred(String date, String model, Double label, Double prediction, Double weight, Integer clicked,
      Double pClick, Integer cls, double[] probs, double[] onehot) {

    public Row toRow() {
      return RowFactory.create(date, model, label, prediction, weight, clicked, pClick, cls, boxed(probs),
          boxed(onehot));
    }

    public Pred withLabel(Double y) {
      return new Pred(date, model, y, prediction, weight, clicked, pClick, cls, probs, onehot);
    }

    public Pred withPrediction(Double p) {
      return new Pred(date, model, label, p, weight, clicked, pClick, cls, probs, onehot);
    }

    public Pred withWeight(Double w) {
      return new Pred(date, model, label, prediction, w, clicked, pClick, cls, probs, onehot);
    }

    public Pred withBinary(Integer y, Double p) {
      return new Pred(date, model, label, prediction, weight, y, p, cls, probs, onehot);
    }

    public Pred withClass(Integer k, double[] p) {
      return new Pred(date, model, label, prediction, weight, clicked, pClick, k, p, onehot);
    }

    public Pred withOnehot(double[] y) {
      return new Pred(date, model, label, prediction, weight, clicked, pClick, cls, probs, y);
    }

    public Pred withKey(String d, String m) {
      return new Pred(d, m, label, prediction, weight, clicked, pClick, cls, probs, onehot);
    }
  }

  public static final StructType SCHEMA = new StructType()
      .add("date", DataTypes.StringType)
      .add("model", DataTypes.StringType)
      .add("label", DataTypes.DoubleType)
      .add("prediction", DataTypes.DoubleType)
      .add("weight", DataTypes.DoubleType)
      .add("clicked", DataTypes.IntegerType)
      .add("p_click", DataTypes.DoubleType)
      .add("class", DataTypes.IntegerType)
      .add("probs", DataTypes.createArrayType(DataTypes.DoubleType, true))
      .add("onehot", DataTypes.createArrayType(DataTypes.DoubleType, true));

  /** The scalar columns, which CSV can hold. */
  public static final List<String> CSV_COLUMNS = List.of("date", "model", "label", "prediction", "weight", "clicked",
      "p_click", "class");

  private static Double[] boxed(double[] v) {
    if (v == null) {
      return null;
    }
    Double[] b = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = v[i];
    }
    return b;
  }

  /**
   * {@code n} valid rows, fixed by {@code seed}: dates {@code dates}, models a and b; label ~ 10 + 3N(0,1),
   * prediction = label + N(0,1); weight in [0.5, 2); clicked ~ Bernoulli(p_click); class in 0..2 with a
   * probability vector of 3 that favours it.
   */
  public static List<Pred> generate(int n, long seed, String... dates) {
    Random r = new Random(seed);
    List<Pred> out = new ArrayList<>(n);
    String[] models = {"a", "b"};
    for (int i = 0; i < n; i++) {
      String date = dates[i % dates.length];
      String model = models[(i / dates.length) % 2];
      double y = 10 + 3 * r.nextGaussian();
      double p = y + r.nextGaussian() * (model.equals("a") ? 1.0 : 0.7);
      double w = 0.5 + 1.5 * r.nextDouble();
      double logit = 2 * r.nextGaussian();
      double pc = 1 / (1 + Math.exp(-logit));
      int clicked = r.nextDouble() < pc ? 1 : 0;
      int k = r.nextInt(3);
      double[] s = new double[3];
      double z = 0;
      for (int j = 0; j < 3; j++) {
        s[j] = Math.exp((j == k ? 1.5 : 0) + 2 * r.nextDouble());
        z += s[j];
      }
      double[] probs = new double[3];
      double[] onehot = new double[3];
      for (int j = 0; j < 3; j++) {
        probs[j] = s[j] / z;
        onehot[j] = j == k ? 1 : 0;
      }
      out.add(new Pred(date, model, y, p, w, clicked, pc, k, probs, onehot));
    }
    return out;
  }

  public static Dataset<Row> frame(SparkSession spark, List<Pred> rows) {
    return spark.createDataFrame(rows.stream().map(Pred::toRow).toList(), SCHEMA);
  }

  /** Writes the rows as Parquet in {@code files} files at {@code dir}; returns the path. */
  public static String writeParquet(SparkSession spark, List<Pred> rows, Path dir, int files) {
    frame(spark, rows).repartition(files).write().mode("overwrite").parquet(dir.toString());
    return dir.toString();
  }

  /**
   * Writes the scalar columns as one CSV file with a header, by hand (Double.toString round-trips, so the
   * job reads back exactly these doubles); nulls are empty fields.
   */
  public static String writeCsv(List<Pred> rows, Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder b = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
    for (Pred p : rows) {
      b.append(Stream.of(p.date(), p.model(), p.label(), p.prediction(), p.weight(), p.clicked(), p.pClick(),
          p.cls()).map(v -> v == null ? "" : String.valueOf(v)).reduce((x, y) -> x + "," + y).orElseThrow())
          .append('\n');
    }
    Files.writeString(dir.resolve("part-0.csv"), b.toString());
    return dir.toString();
  }

  /** The report's columns and types as spec/job.md gives them (and README's invalid_reasons), after the keys. */
  public static StructType reportSchema(StructField... keys) {
    StructType t = new StructType();
    for (StructField k : keys) {
      t = t.add(k.name(), k.dataType());
    }
    return t.add("grouping", DataTypes.StringType)
        .add("loss", DataTypes.StringType)
        .add("value", DataTypes.DoubleType)
        .add("rows", DataTypes.LongType)
        .add("invalid_rows", DataTypes.LongType)
        .add("invalid_reasons", DataTypes.StringType)
        .add("weight_sum", DataTypes.DoubleType)
        .add("scope", DataTypes.StringType)
        .add("std_error", DataTypes.DoubleType)
        .add("ci_low", DataTypes.DoubleType)
        .add("ci_high", DataTypes.DoubleType)
        .add("baseline_value", DataTypes.DoubleType)
        .add("delta", DataTypes.DoubleType)
        .add("delta_std_error", DataTypes.DoubleType)
        .add("delta_ci_low", DataTypes.DoubleType)
        .add("delta_ci_high", DataTypes.DoubleType)
        .add("run_id", DataTypes.StringType)
        .add("computed_at", DataTypes.TimestampType);
  }

  /** String key columns date and model, as the test table has them. */
  public static final StructType REPORT = reportSchema(SCHEMA.apply("date"), SCHEMA.apply("model"));

  /**
   * Reads a report: Parquet with the schema it carries; CSV (header) and JSON with {@code schema} in
   * FAILFAST mode, so a value that does not parse as its column's type fails the read.
   */
  public static Dataset<Row> readReport(SparkSession spark, String path, String format, StructType schema) {
    return switch (format) {
      case "parquet" -> spark.read().parquet(path);
      case "delta" -> spark.read().format("delta").load(path);
      case "csv" -> spark.read().schema(schema).option("header", "true").option("mode", "FAILFAST").csv(path);
      case "json" -> spark.read().schema(schema).option("mode", "FAILFAST").json(path);
      default -> throw new IllegalArgumentException(format);
    };
  }

  /** The names and types of a schema, nullability left out: "date:string, ...". */
  public static String columns(StructType t) {
    return String.join(", ", Arrays.stream(t.fields()).map(f -> f.name() + ":" + f.dataType().simpleString())
        .toList());
  }

  /** Report rows by "grouping|key...|loss". */
  public static Map<String, Row> byKey(Dataset<Row> report, List<String> keys) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (Row r : report.collectAsList()) {
      StringBuilder k = new StringBuilder(r.<String>getAs("grouping"));
      for (String c : keys) {
        k.append('|').append((Object) r.getAs(c));
      }
      k.append('|').append(r.<String>getAs("loss"));
      String key = k.toString();
      if (out.put(key, r) != null) {
        throw new AssertionError("two report rows for " + key);
      }
    }
    return out;
  }

  /** The report key of a grouping row: "date,model|2026-11-01|a|mse". */
  public static String key(String grouping, String loss, Object... keyValues) {
    StringBuilder k = new StringBuilder(grouping);
    for (Object v : keyValues) {
      k.append('|').append(v);
    }
    return k.append('|').append(loss).toString();
  }

  // ---- the independent expected values: the formulas of spec/losses.md, plain loops ----

  /** Σ w ℓ / Σ w over {@code rows} (w = 1 when {@code weighted} is false). */
  public static double mean(List<Pred> rows, boolean weighted, ToDoubleFunction<Pred> term) {
    double num = 0;
    double den = 0;
    for (Pred p : rows) {
      double w = weighted ? p.weight() : 1;
      num += w * term.applyAsDouble(p);
      den += w;
    }
    return num / den;
  }

  public static double weightSum(List<Pred> rows) {
    return rows.stream().mapToDouble(Pred::weight).sum();
  }

  public static double se(Pred p) {
    double e = p.label() - p.prediction();
    return e * e;
  }

  public static double ae(Pred p) {
    return Math.abs(p.label() - p.prediction());
  }

  public static double huber(Pred p, double delta) {
    double a = Math.abs(p.label() - p.prediction());
    return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
  }

  public static double clip(double q) {
    return Math.min(Math.max(q, 1e-15), 1 - 1e-15);
  }

  public static double bce(Pred p) {
    double q = clip(p.pClick());
    return -(p.clicked() * Math.log(q) + (1 - p.clicked()) * Math.log(1 - q));
  }

  public static double logLossClass(Pred p) {
    return -Math.log(clip(p.probs()[p.cls()]));
  }

  /** Weighted R² as scikit-learn: 1 − Σw(y − ŷ)² / Σw(y − ȳ)², ȳ = Σwy / Σw. */
  public static double r2(List<Pred> rows, boolean weighted) {
    double ybar = mean(rows, weighted, Pred::label);
    double res = 0;
    double tot = 0;
    for (Pred p : rows) {
      double w = weighted ? p.weight() : 1;
      res += w * se(p);
      tot += w * (p.label() - ybar) * (p.label() - ybar);
    }
    return 1 - res / tot;
  }

  /** −Σ_k y_k log clip(p_k): categorical cross-entropy of a label vector and a probability vector. */
  public static double cce(Pred p) {
    double s = 0;
    for (int k = 0; k < p.probs().length; k++) {
      s -= p.onehot()[k] * Math.log(clip(p.probs()[k]));
    }
    return s;
  }

  /** The names {@link #formula} knows. */
  public static final List<String> FORMULAS = List.of("mse", "rmse", "mae", "r2", "huber(delta=1.5)",
      "binary_cross_entropy(label=clicked,prediction=p_click)", "log_loss(label=class,prediction=probs)",
      "categorical_cross_entropy(label=onehot,prediction=probs)");

  /** The value of {@code loss} over {@code rows} from its formula in spec/losses.md, with plain loops. */
  public static double formula(String loss, List<Pred> rows, boolean weighted) {
    return switch (loss) {
      case "mse" -> mean(rows, weighted, JobFixtures::se);
      case "rmse" -> Math.sqrt(mean(rows, weighted, JobFixtures::se));
      case "mae" -> mean(rows, weighted, JobFixtures::ae);
      case "r2" -> r2(rows, weighted);
      case "huber(delta=1.5)" -> mean(rows, weighted, p -> huber(p, 1.5));
      case "binary_cross_entropy(label=clicked,prediction=p_click)" -> mean(rows, weighted, JobFixtures::bce);
      case "log_loss(label=class,prediction=probs)" -> mean(rows, weighted, JobFixtures::logLossClass);
      case "categorical_cross_entropy(label=onehot,prediction=probs)" -> mean(rows, weighted, JobFixtures::cce);
      default -> throw new IllegalArgumentException("no formula for " + loss);
    };
  }

  /** Every value of {@link #FORMULAS} over {@code rows} (which must be valid for all of them). */
  public static Map<String, Double> expected(List<Pred> rows, boolean weighted) {
    Map<String, Double> e = new LinkedHashMap<>();
    for (String loss : FORMULAS) {
      e.put(loss, formula(loss, rows, weighted));
    }
    return e;
  }

  /** Rows grouped by "date|model", in first-seen order. */
  public static Map<String, List<Pred>> groups(List<Pred> rows, Function<Pred, String> key) {
    Map<String, List<Pred>> out = new LinkedHashMap<>();
    for (Pred p : rows) {
      out.computeIfAbsent(key.apply(p), k -> new ArrayList<>()).add(p);
    }
    return out;
  }

  /**
   * The values the library's aggregators give on {@code df} ({@link LossFunctions#column} for every loss
   * and output), per key of {@code keys} and overall, by the keys of {@link #byKey}.
   */
  public static Map<String, Double> aggregatorValues(Dataset<Row> df, List<String> keys, List<String> specs,
      String label, String prediction, String weight) {
    List<Column> cols = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String spec : specs) {
      Loss l = Losses.parse(spec);
      String y = l.labelColumn() != null ? l.labelColumn() : label;
      String p = l.predictionColumn() != null ? l.predictionColumn() : prediction;
      String w = l.weightColumn() != null ? l.weightColumn() : weight;
      cols.add(LossFunctions.column(l, df, y, p, w, "value"));
      names.add(l.canonical());
      for (String extra : l.extraOutputs()) {
        cols.add(LossFunctions.column(l, df, y, p, w, extra));
        names.add(l.canonical() + "." + extra);
      }
    }
    Column[] all = cols.toArray(new Column[0]);
    Map<String, Double> out = new LinkedHashMap<>();
    Row overall = df.agg(all[0], Arrays.copyOfRange(all, 1, all.length)).first();
    for (int i = 0; i < names.size(); i++) {
      out.put(key(ReportRows.OVERALL, names.get(i), keys.stream().map(k -> "null").toArray()),
          overall.isNullAt(i) ? null : overall.getDouble(i));
    }
    if (!keys.isEmpty()) {
      Column[] keyCols = keys.stream().map(df::col).toArray(Column[]::new);
      for (Row r : df.groupBy(keyCols).agg(all[0], Arrays.copyOfRange(all, 1, all.length)).collectAsList()) {
        Object[] kv = new Object[keys.size()];
        for (int k = 0; k < kv.length; k++) {
          kv[k] = r.get(k);
        }
        for (int i = 0; i < names.size(); i++) {
          int at = keys.size() + i;
          out.put(key(String.join(",", keys), names.get(i), kv), r.isNullAt(at) ? null : r.getDouble(at));
        }
      }
    }
    return out;
  }

  /** Files and directories under {@code dir} whose name contains {@code part}. */
  public static List<Path> named(Path dir, String part) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().contains(part)).toList();
    }
  }
}
