package org.sparklossreport.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;

import java.io.File;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.core.LossResult;

/**
 * The benchmark's accuracy check: every loss of the suite, per key and overall, against an exact
 * reference — the per-row terms written as independent Spark column expressions, summed exactly
 * ({@link ExactSum}, Shewchuk's partials) and divided once in 60-digit decimals. Then R² on labels of
 * mean 1e6 and standard deviation 1, where the textbook Σy² − (Σy)²/n in doubles loses most digits.
 */
final class Accuracy {
  private Accuracy() {}

  private static final MathContext MC = new MathContext(60);

  // exact sums kept per key: n, Σe², Σ|e|, Σbce, Σhuber, Σlogcosh, Σpinball, Σape, Σe, Σsparse, Σy, Σy² (as fma pairs)
  private static final String[] TERMS = {"n", "e2", "ae", "bce", "huber", "logcosh", "pinball", "ape", "e", "sparse", "y", "y2"};

  static void check(SparkSession spark, Dataset<Row> df, long rows, int keys, String dir, PrintStream out) {
    Map<Object, ExactSum[]> exact = exactSums(df);
    List<LossResult> ours = LossBenchmark.ours(df, LossBenchmark.SUITE, List.of("key"));
    double worst = compare(ours, exact, out);
    out.printf("accuracy: worst relative error of the suite against the exact reference = %.3e%n", worst);

    String path = new File(dir, "table-mean1e6-" + rows + "-" + keys).getPath();
    if (!new File(path, "_SUCCESS").exists()) {
      LossBenchmark.table(spark, rows, keys, 1e6).write().mode("overwrite").parquet(path);
    }
    Dataset<Row> shifted = spark.read().parquet(path);
    Map<Object, ExactSum[]> ex = exactSums(shifted);
    List<LossResult> r2 = LossBenchmark.ours(shifted, List.of("r2"), List.of());
    ExactSum[] all = overall(ex);
    double exactR2 = r2(all);
    double n = all[0].value();
    double sy = all[10].value();
    double naiveSsTot = all[11].value() - sy * sy / n;
    double naiveR2 = 1 - all[1].value() / naiveSsTot;
    double oursR2 = r2.get(0).value();
    out.printf("accuracy: r2 with labels of mean 1e6, sd 1: exact %.17g, ours %.17g (rel %.3e), "
        + "textbook Σy²−(Σy)²/n %.17g (rel %.3e)%n", exactR2, oursR2, rel(oursR2, exactR2), naiveR2,
        rel(naiveR2, exactR2));
  }

  private static ExactSum[] overall(Map<Object, ExactSum[]> byKey) {
    ExactSum[] all = fresh();
    byKey.values().forEach(s -> merge(all, s));
    return all;
  }

  private static double compare(List<LossResult> ours, Map<Object, ExactSum[]> exact, PrintStream out) {
    // ours lists each key's results in key order, then the overall; match by position of the key states
    Map<String, Double> worstByLoss = new LinkedHashMap<>();
    int perKey = ours.size() / (exact.size() + 1);
    List<ExactSum[]> refs = new ArrayList<>(exact.values());
    refs.add(overall(exact));
    for (int k = 0; k < refs.size(); k++) {
      Map<String, Double> ref = reference(refs.get(k));
      for (int i = 0; i < perKey; i++) {
        LossResult r = ours.get(k * perKey + i);
        Double expected = ref.get(r.loss());
        if (expected == null) {
          continue;
        }
        worstByLoss.merge(r.loss(), rel(r.value(), expected), Math::max);
      }
    }
    worstByLoss.forEach((loss, e) -> out.printf("  %-55s max rel error %.3e%n", loss, e));
    return worstByLoss.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static Map<String, Double> reference(ExactSum[] s) {
    BigDecimal n = s[0].exact();
    Map<String, Double> m = new HashMap<>();
    double mse = div(s[1], n);
    m.put("mse", mse);
    m.put("rmse", Math.sqrt(s[1].exact().divide(n, MC).doubleValue()));
    m.put("mae", div(s[2], n));
    m.put("r2", r2(s));
    m.put("binary_cross_entropy(label=clicked,prediction=p_click)", div(s[3], n));
    m.put("log_loss(label=clicked,prediction=p_click)", div(s[3], n));
    m.put("huber", div(s[4], n));
    m.put("log_cosh", div(s[5], n));
    m.put("quantile", div(s[6], n));
    m.put("mape", div(s[7], n));
    m.put("mse_gradient", mse);
    m.put("mse_gradient.mean_gradient", -2 * s[8].exact().divide(n, MC).doubleValue());
    m.put("mse_gradient.gradient_norm", 2 * Math.sqrt(s[1].value()) / n.doubleValue());
    m.put("sparse", s[9].value());
    return m;
  }

  private static double r2(ExactSum[] s) {
    BigDecimal n = s[0].exact();
    BigDecimal sy = s[10].exact();
    BigDecimal ssTot = s[11].exact().subtract(sy.multiply(sy).divide(n, MC));
    return BigDecimal.ONE.subtract(s[1].exact().divide(ssTot, MC)).doubleValue();
  }

  private static double div(ExactSum s, BigDecimal n) {
    return s.exact().divide(n, MC).doubleValue();
  }

  private static double rel(double a, double b) {
    return a == b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }

  private static ExactSum[] fresh() {
    ExactSum[] s = new ExactSum[TERMS.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = new ExactSum();
    }
    return s;
  }

  private static void merge(ExactSum[] a, ExactSum[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i].merge(b[i]);
    }
  }

  /** Exact per-key sums of independently written per-row terms, in key order. */
  private static Map<Object, ExactSum[]> exactSums(Dataset<Row> df) {
    Column y = col("label");
    Column p = col("prediction");
    Column e = y.minus(p);
    Column q = least(greatest(col("p_click"), lit(1e-15)), lit(1 - 1e-15));
    Column c = col("clicked");
    Dataset<Row> terms = df.select(col("key"), e.multiply(e), abs(e),
        c.multiply(log(q)).plus(lit(1).minus(c).multiply(log(lit(1).minus(q)))).multiply(-1),
        when(abs(e).leq(1), e.multiply(e).multiply(0.5)).otherwise(abs(e).minus(0.5)),
        abs(e).plus(log1p(exp(abs(e).multiply(-2)))).minus(Math.log(2)),
        greatest(e.multiply(0.5), e.multiply(-0.5)),
        abs(e).divide(greatest(abs(y), lit(Math.ulp(1.0)))),
        e, abs(p).multiply(0.1).plus(p.multiply(p).multiply(0.9)), y);
    JavaRDD<Map<Object, ExactSum[]>> parts = terms.javaRDD().mapPartitions((Iterator<Row> it) -> {
      Map<Object, ExactSum[]> m = new HashMap<>();
      while (it.hasNext()) {
        Row r = it.next();
        ExactSum[] s = m.computeIfAbsent(r.get(0), k -> fresh());
        s[0].add(1);
        for (int i = 1; i <= 10; i++) {
          s[i].add(r.getDouble(i));
        }
        double yv = r.getDouble(10);
        double hi = yv * yv;
        s[11].add(hi);
        s[11].add(Math.fma(yv, yv, -hi)); // y² exactly, as hi + lo
      }
      return List.of(m).iterator();
    });
    Map<Object, ExactSum[]> all = parts.reduce((a, b) -> {
      b.forEach((k, v) -> a.merge(k, v, (x, z) -> {
        merge(x, z);
        return x;
      }));
      return a;
    });
    Map<Object, ExactSum[]> sorted = new java.util.TreeMap<>();
    sorted.putAll(all);
    return sorted;
  }
}
