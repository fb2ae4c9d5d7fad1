package org.sparklossreport.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The cold benchmark's reference: the losses of one input shape written as a user would write a Spark job
 * without this library (read Parquet, {@code groupBy("key").agg(...)}, write Parquet), run as its own
 * process by {@link ColdBenchmark}. Per key only: no overall row, no row checks, plain sums.
 *
 * <pre>HandJob --shape arith|keys|vectors --input PATH --output PATH [--master local[*]]</pre>
 */
public final class HandJob {
  private HandJob() {}

  /** The clipping bound of the job's categorical cross-entropy (LossMath.EPSILON, its default). */
  static final double EPSILON = 1e-15;

  public static void main(String[] args) {
    Map<String, String> o = LossBenchmark.options(args);
    SparkSession spark = session(o.getOrDefault("master", "local[*]"));
    try {
      run(spark, required(o, "shape"), required(o, "input"), required(o, "output"));
    } finally {
      spark.stop();
    }
  }

  private static String required(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  /** A session as the job's {@code Main.session} builds one for a local master. */
  static SparkSession session(String master) {
    return SparkSession.builder().appName("hand-job").master(master)
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .getOrCreate();
  }

  /** Reads {@code input}, aggregates per key and writes the result to {@code output} (overwrite). */
  static void run(SparkSession spark, String shape, String input, String output) {
    aggregate(spark.read().parquet(input), shape).write().mode("overwrite").parquet(output);
  }

  /** One row per key with one column per loss. */
  static Dataset<Row> aggregate(Dataset<Row> df, String shape) {
    Column[] losses = losses(shape);
    return df.groupBy("key").agg(losses[0], java.util.Arrays.copyOfRange(losses, 1, losses.length));
  }

  /** The loss columns of a shape: mse, mae, rmse, r2; or categorical_cross_entropy, autoencoder. */
  static Column[] losses(String shape) {
    return switch (shape) {
      case "arith", "keys" -> arithmetic();
      case "vectors" -> vectors();
      default -> throw new IllegalArgumentException("unknown shape " + shape + "; shapes: " + ColdData.SHAPES);
    };
  }

  private static Column[] arithmetic() {
    Column y = col("label");
    Column e = y.minus(col("prediction"));
    return new Column[] {
        avg(e.multiply(e)).as("mse"),
        avg(abs(e)).as("mae"),
        sqrt(avg(e.multiply(e))).as("rmse"),
        lit(1).minus(sum(e.multiply(e)).divide(var_pop(y).multiply(count(lit(1))))).as("r2")};
  }

  /** −Σ_k y_k ln clip(p_k) averaged over rows; Σ_rows Σ_j (x_j − x̂_j)² over the number of elements. */
  private static Column[] vectors() {
    String clip = "least(greatest(b, " + EPSILON + "D), 1D - " + EPSILON + "D)";
    return new Column[] {
        avg(expr("-aggregate(zip_with(y, p, (a, b) -> a * ln(" + clip + ")), 0D, (acc, v) -> acc + v)"))
            .as("categorical_cross_entropy"),
        sum(expr("aggregate(zip_with(x, xhat, (a, b) -> (a - b) * (a - b)), 0D, (acc, v) -> acc + v)"))
            .divide(sum(expr("size(x)"))).as("autoencoder")};
  }
}
