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

import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
    System.exit(BenchCommand.commandLine(new Args(), System.out, System.err).execute(args));
  }

  /** The hand job's command line (picocli). */
  @Command(name = "HandJob", sortOptions = false, usageHelpWidth = 110,
      description = "The cold benchmark's hand-written Spark job: reads the Parquet input, aggregates per key as a"
          + " user would without this library, writes Parquet (overwrite).")
  static final class Args implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--shape", required = true, paramLabel = "SHAPE",
        description = "arith, keys or vectors: which losses (those ColdBenchmark gives the job).")
    String shape;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "The Parquet input.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where to write the result.")
    String output;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
        description = "The Spark master (default: ${DEFAULT-VALUE}).")
    String master;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      if (!ColdData.SHAPES.contains(shape)) {
        throw new ParameterException(spec.commandLine(), "unknown --shape '" + shape + "'; shapes: "
            + String.join(",", ColdData.SHAPES));
      }
      SparkSession spark = session(master);
      try {
        run(spark, shape, input, output);
      } finally {
        spark.stop();
      }
      return 0;
    }
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
