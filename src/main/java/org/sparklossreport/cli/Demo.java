package org.sparklossreport.cli;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.File;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.api.LossReportJob;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.report.RunResult;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;

/**
 * The embedded demo: a deterministic synthetic prediction table (date × model × segment keys; a
 * regression label and prediction, binary labels with probabilities and logits, a 4-class index with
 * one-hot labels and probability vectors, 8-element autoencoder vectors, counts and rates, weights),
 * generated once into a scratch folder, then every loss of the catalog computed on it per key.
 */
public final class Demo {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  private Demo() {}

  /** The demo's losses: the whole catalog, each on the columns it needs. */
  public static final List<String> LOSSES = List.of(
      "mse", "rmse", "mae", "r2", "huber(delta=1.5)", "log_cosh", "quantile(tau=0.9)", "mape", "mse_gradient",
      "msle(label=count,prediction=rate)", "poisson(label=count,prediction=rate)",
      "binary_cross_entropy(label=clicked,prediction=p_click)",
      "binary_focal_cross_entropy(label=clicked,prediction=logit,from_logits=true)",
      "hinge(label=clicked,prediction=logit)", "squared_hinge(label=clicked,prediction=logit)",
      "log_loss(label=class,prediction=probs)", "cross_entropy(label=onehot,prediction=probs)",
      "categorical_cross_entropy(label=onehot,prediction=probs)",
      "sparse_categorical_cross_entropy(label=class,prediction=probs)",
      "kl_divergence(label=onehot,prediction=probs)", "autoencoder(label=x,prediction=x_hat)",
      "sparse(prediction=x_hat)");

  static int run(Map<String, Object> cli, PrintStream out) throws Exception {
    long rows = Long.parseLong(String.valueOf(cli.getOrDefault("demo-rows", "1000000")));
    if (rows < 1) {
      throw new UsageException("--demo-rows must be ≥ 1, got " + rows);
    }
    String dir = String.valueOf(cli.getOrDefault("demo-dir", "target/demo"));
    HtmlOutput.check((String) cli.get("html"), null);
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    if (cli.get("conf") instanceof List<?> l) {
      l.forEach(x -> {
        String s = String.valueOf(x);
        int eq = s.indexOf('=');
        if (eq <= 0) {
          throw new UsageException("--conf needs KEY=VALUE, got '" + s + "'");
        }
        conf.put(s.substring(0, eq), s.substring(eq + 1));
      });
    }
    SparkSession spark = Main.session((String) cli.get("master"), conf);
    String input = new File(dir, "predictions-" + rows).getPath();
    if (!new File(input, "_SUCCESS").exists()) {
      LOG.info("Generating the demo table: {} rows into {}", rows, input);
      out.printf("demo: generating %d prediction rows in %s%n", rows, input);
      table(spark, rows).write().mode("overwrite").parquet(input);
    } else {
      out.printf("demo: reusing %s%n", input);
    }
    String output = new File(dir, "report").getPath();
    JobSpec spec = new JobSpec(input, null, "parquet", null, null, null, null, "label", "prediction", "weight",
        List.of("date", "model", "segment"), LOSSES, output, "parquet", WriteMode.OVERWRITE,
        InvalidPolicy.FAIL, null, conf);
    RunResult result = new LossReportJob(spark, spec).run();
    Summary.print(result, out);
    HtmlOutput.write(spark, (String) cli.get("html"), result, "parquet", "demo table " + input, out);
    out.printf("demo: the report is at %s (parquet); the job's options: submit/loss-report --help%n", output);
    return 0;
  }

  private static Column u(int stream) {
    return Synthetic.uniform(stream);
  }

  private static Column normal(int stream) {
    return Synthetic.normal(stream);
  }

  /** The demo table of {@code rows} rows (also the input of the rollup benchmark). */
  public static Dataset<Row> table(SparkSession spark, long rows) {
    Dataset<Row> d = spark.range(0, rows, 1, Math.max(1, (int) Math.min(16, rows / 100_000 + 1))).toDF();
    d = d.withColumn("date", date_add(lit(java.sql.Date.valueOf("2026-11-22")), floor(u(1).multiply(3)).cast("int")))
        .withColumn("model", element_at(array(lit("baseline"), lit("candidate")), floor(u(2).multiply(2)).cast("int").plus(1)))
        .withColumn("segment", element_at(array(lit("web"), lit("ios"), lit("android"), lit("store")),
            floor(u(3).multiply(4)).cast("int").plus(1)))
        .withColumn("quality", when(col("model").equalTo("candidate"), 0.8).otherwise(1.0))
        .withColumn("label", lit(10).plus(normal(4).multiply(3)))
        .withColumn("prediction", col("label").plus(normal(6).multiply(col("quality"))))
        .withColumn("weight", lit(0.5).plus(u(8).multiply(1.5)))
        .withColumn("logit", normal(9).multiply(2))
        .withColumn("p_click", lit(1).divide(lit(1).plus(exp(col("logit").multiply(-1)))))
        .withColumn("clicked", when(u(10).lt(col("p_click")), 1).otherwise(0))
        .withColumn("class", floor(u(11).multiply(4)).cast("int"))
        .withColumn("onehot", expr("transform(sequence(0, 3), k -> if(k = class, 1.0D, 0.0D))"))
        .withColumn("scores", expr("transform(sequence(0, 3), k -> if(k = class, 1.5D, 0.0D)"
            + " + 2 * (shiftrightunsigned(xxhash64(id, 20 + k), 11) * pow(2, -53)) * quality)"))
        .withColumn("probs", expr("transform(scores, s -> exp(s) / aggregate(scores, 0D, (a, t) -> a + exp(t)))"))
        .withColumn("x", expr("transform(sequence(0, 7), j -> (shiftrightunsigned(xxhash64(id, 30 + j), 11)"
            + " * pow(2, -53)))"))
        .withColumn("x_hat", expr("transform(x, (v, j) -> v + 0.1 * quality *"
            + " ((shiftrightunsigned(xxhash64(id, 40 + j), 11) * pow(2, -53)) - 0.5))"))
        .withColumn("rate", lit(0.5).plus(u(12).multiply(3)))
        .withColumn("count", floor(col("rate").multiply(u(13).multiply(2))).cast("int"));
    return d.drop("quality", "scores");
  }
}
