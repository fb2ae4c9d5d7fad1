package org.sparklossreport.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.cli.Synthetic;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossState;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.state.StateStruct;

/**
 * {@code submit/loss-benchmark}: times the job's single pass against a hand-written query, the
 * aggregation floor and Spark MLlib's evaluators on one generated Parquet table, in one session,
 * interleaved and repeated, and prints medians and a {@code RESULT} line. See docs/PERFORMANCE.md.
 */
public final class LossBenchmark {
  private LossBenchmark() {}

  /** The default scalar suite of the benchmark (issue 6). */
  static final List<String> SUITE = List.of("mse", "rmse", "mae", "r2",
      "binary_cross_entropy(label=clicked,prediction=p_click)", "log_loss(label=clicked,prediction=p_click)",
      "huber", "log_cosh", "quantile", "mape", "mse_gradient", "sparse");
  static final List<String> ARITH = List.of("mse", "rmse", "mae", "r2");

  /** {@code submit/loss-benchmark}: see {@link BenchCommand} for the options (or {@code --help}). */
  public static void main(String[] args) {
    System.exit(BenchCommand.execute(args, System.out, System.err));
  }

  /** The warm benchmark in a session of its own on {@code master}, printing to standard output. */
  static void warm(long rows, int keys, int repeat, String dir, String master, boolean accuracy,
      List<String> only) {
    SparkSession spark = SparkSession.builder().appName("loss-benchmark")
        .master(master)
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "8")
        .getOrCreate();
    try {
      run(spark, rows, keys, repeat, dir, accuracy, only, System.out);
    } finally {
      spark.stop();
    }
  }

  /**
   * Generates (or reuses) the table, times every case (or those in {@code only}) and prints the medians
   * and, when every case ran, the RESULT line.
   */
  public static void run(SparkSession spark, long rows, int keys, int repeat, String dir, boolean accuracy,
      List<String> only, PrintStream out) {
    String path = new File(dir, "table-" + rows + "-" + keys).getPath();
    if (!new File(path, "_SUCCESS").exists()) {
      out.printf("generating %d rows, %d keys in %s%n", rows, keys, path);
      table(spark, rows, keys, 0).write().mode("overwrite").parquet(path);
    }
    Dataset<Row> df = spark.read().parquet(path);
    Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
    cases.put("floor", () -> df.groupBy("key").agg(sum("label"), sum("prediction"), count(lit(1))).collectAsList());
    cases.put("arith", () -> ours(df, ARITH, List.of("key")));
    cases.put("suite", () -> ours(df, SUITE, List.of("key")));
    cases.put("handwritten", () -> df.groupBy("key").agg(handwritten()[0], Arrays.copyOfRange(handwritten(), 1,
        handwritten().length)).collectAsList());
    cases.put("ours_overall", () -> ours(df, ARITH, List.of()));
    cases.put("arith_columnar", () -> withEngine(spark, "columnar", () -> ours(df, ARITH, List.of("key"))));
    cases.put("arith_compiled", () -> withEngine(spark, "compiled", () -> ours(df, ARITH, List.of("key"))));
    cases.put("suite_compiled", () -> withEngine(spark, "compiled", () -> ours(df, SUITE, List.of("key"))));
    cases.put("arith_aggregator", () -> withEngine(spark, "aggregator", () -> ours(df, ARITH, List.of("key"))));
    cases.put("suite_aggregator", () -> withEngine(spark, "aggregator", () -> ours(df, SUITE, List.of("key"))));
    cases.put("mllib_onepass", () -> {
      RegressionMetrics m = evaluator("mse").getMetrics(df);
      return List.of(m.meanSquaredError(), m.rootMeanSquaredError(), m.meanAbsoluteError(), m.r2());
    });
    cases.put("mllib_evaluate", () -> List.of(evaluator("mse").evaluate(df), evaluator("rmse").evaluate(df),
        evaluator("mae").evaluate(df), evaluator("r2").evaluate(df)));

    if (!only.isEmpty()) {
      cases.keySet().retainAll(only);
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    cases.keySet().forEach(k -> times.put(k, new ArrayList<>()));
    for (int r = -1; r < repeat; r++) { // round -1 warms the JIT and the file cache; not counted
      for (Map.Entry<String, Supplier<Object>> c : cases.entrySet()) {
        long t0 = System.nanoTime();
        c.getValue().get();
        double s = (System.nanoTime() - t0) / 1e9;
        if (r >= 0) {
          times.get(c.getKey()).add(s);
          out.printf("round %d %-15s %8.3f s%n", r + 1, c.getKey(), s);
        }
      }
    }
    Map<String, Double> med = new LinkedHashMap<>();
    times.forEach((k, v) -> med.put(k, median(v)));
    out.println("medians of " + repeat + " interleaved rounds:");
    med.forEach((k, v) -> out.printf("  %-15s %8.3f s  (%.1f ns/row)%n", k, v, v * 1e9 / rows));
    if (accuracy) {
      Accuracy.check(spark, df, rows, keys, dir, out);
    }
    if (!only.isEmpty()) {
      return; // the RESULT line needs every case
    }
    out.printf("RESULT rows=%d keys=%d floor_s=%.3f arith_s=%.3f suite_s=%.3f handwritten_s=%.3f "
            + "ours_overall_s=%.3f mllib_onepass_s=%.3f mllib_evaluate_s=%.3f arith_vs_floor=%.2f "
            + "suite_vs_handwritten=%.2f mllib_onepass_vs_ours=%.2f mllib_evaluate_vs_ours=%.2f%n",
        rows, keys, med.get("floor"), med.get("arith"), med.get("suite"), med.get("handwritten"),
        med.get("ours_overall"), med.get("mllib_onepass"), med.get("mllib_evaluate"),
        med.get("arith") / med.get("floor"), med.get("suite") / med.get("handwritten"),
        med.get("mllib_onepass") / med.get("ours_overall"), med.get("mllib_evaluate") / med.get("ours_overall"));
  }

  /** The job's single pass (same code as the job: plan, aggregate, merge, finish) collected to the driver. */
  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  static List<LossResult> ours(Dataset<Row> df, List<String> losses, List<String> keys) {
    JobSpec spec = new JobSpec("bench", null, "parquet", null, null, null, null, "label", "prediction", null, keys, losses,
        "unused", "parquet", WriteMode.OVERWRITE, InvalidPolicy.SKIP, null, Map.of());
    ReportPlan plan = ReportPlan.of(spec, df.schema());
    Dataset<Row> agg = plan.aggregate(df);
    List<Row> states = new ArrayList<>(agg.collectAsList());
    if (!keys.isEmpty()) { // key order, sorted here: a Spark orderBy would add a stage to every timing
      states.sort((a, b) -> LossBenchmark.<Comparable<Object>>cast(a.get(0)).compareTo(b.get(0)));
    }
    List<LossResult> out = new ArrayList<>();
    LossState overall = plan.set().zero();
    for (Row r : states) {
      LossState s = StateStruct.fromRow(r.getStruct(keys.size()));
      out.addAll(plan.set().results(s));
      plan.set().merge(overall, s);
    }
    out.addAll(plan.set().results(overall));
    return out;
  }

  /** Runs {@code f} with the job's single pass on another engine (see ReportPlan.ENGINE_CONF). */
  private static Object withEngine(SparkSession spark, String engine, Supplier<Object> f) {
    spark.conf().set(ReportPlan.ENGINE_CONF, engine);
    try {
      return f.get();
    } finally {
      spark.conf().unset(ReportPlan.ENGINE_CONF);
    }
  }

  private static RegressionEvaluator evaluator(String metric) {
    return new RegressionEvaluator().setLabelCol("label").setPredictionCol("prediction").setMetricName(metric);
  }

  /** The suite as plain column expressions, written by hand as a user would. */
  static Column[] handwritten() {
    Column y = col("label");
    Column p = col("prediction");
    Column e = y.minus(p);
    Column q = least(greatest(col("p_click"), lit(1e-15)), lit(1 - 1e-15));
    Column c = col("clicked");
    Column bce = c.multiply(log(q)).plus(lit(1).minus(c).multiply(log(lit(1).minus(q)))).multiply(-1);
    return new Column[] {
        avg(e.multiply(e)).as("mse"),
        sqrt(avg(e.multiply(e))).as("rmse"),
        avg(abs(e)).as("mae"),
        lit(1).minus(sum(e.multiply(e)).divide(var_pop(y).multiply(count(lit(1))))).as("r2"),
        avg(bce).as("bce"),
        avg(bce).as("log_loss"),
        avg(when(abs(e).leq(1), e.multiply(e).multiply(0.5)).otherwise(abs(e).minus(0.5))).as("huber"),
        avg(abs(e).plus(log1p(exp(abs(e).multiply(-2)))).minus(Math.log(2))).as("log_cosh"),
        avg(greatest(e.multiply(0.5), e.multiply(-0.5))).as("quantile"),
        avg(abs(e).divide(greatest(abs(y), lit(Math.ulp(1.0))))).as("mape"),
        avg(e.multiply(e)).as("mse_gradient"),
        avg(e.multiply(-2)).as("mean_gradient"),
        sqrt(sum(e.multiply(e))).multiply(2).divide(count(lit(1))).as("gradient_norm"),
        sum(abs(p).multiply(0.1).plus(p.multiply(p).multiply(0.9))).as("sparse")};
  }

  /** The benchmark table: key, label, prediction, clicked, p_click; labels around {@code mean}. */
  static Dataset<Row> table(SparkSession spark, long rows, int keys, double mean) {
    int partitions = (int) Math.max(2, Math.min(64, rows / 1_000_000));
    return spark.range(0, rows, 1, partitions).toDF()
        .withColumn("key", floor(Synthetic.uniform(1).multiply(keys)).cast("int"))
        .withColumn("label", lit(mean + 10).plus(Synthetic.normal(2).multiply(mean == 0 ? 3 : 1)))
        .withColumn("prediction", col("label").plus(Synthetic.normal(4).multiply(mean == 0 ? 1 : 0.3)))
        .withColumn("p_click", lit(1).divide(lit(1).plus(exp(Synthetic.normal(6).multiply(-2)))))
        .withColumn("clicked", when(Synthetic.uniform(8).lt(col("p_click")), 1).otherwise(0))
        .drop("id");
  }

  static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }
}
