package org.sparklossreport.bench;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;

import java.io.File;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.cli.Synthetic;

/**
 * The three Parquet inputs of the cold benchmark ({@link ColdBenchmark}), generated once under a directory
 * and reused while their {@code _SUCCESS} marker exists. Every column is a function of the row's id
 * ({@link Synthetic}), so an input is the same however Spark partitions it.
 *
 * <ul>
 *   <li>{@code arith}: the warm benchmark's table ({@link LossBenchmark#table}), 20M rows, 100 keys;
 *   <li>{@code keys}: the same columns, 4M rows, 200,000 keys, written sorted by key;
 *   <li>{@code vectors}: 1M rows, 24 keys, a one-hot label {@code y} and probabilities {@code p} of 10
 *       classes, an input {@code x} of 32 numbers and its reconstruction {@code xhat}.
 * </ul>
 *
 * {@code scale} multiplies the row counts (and the key count of {@code keys}) for quick smoke runs; the
 * paths carry the actual numbers.
 */
public final class ColdData {
  private ColdData() {}

  /** The shapes, in the order the benchmark runs them. */
  static final List<String> SHAPES = List.of("arith", "keys", "vectors");

  /** Classes of the vectors' label and probabilities; length of its x and xhat. */
  static final int CLASSES = 10;
  static final int WIDTH = 32;

  /** Rows and keys of one shape at one scale, and the input's directory name. */
  record Size(String shape, long rows, int keys) {
    String name() {
      return (shape.equals("arith") ? "table" : shape) + "-" + rows + "-" + keys;
    }
  }

  /** The size of {@code shape} at {@code scale} (at least one row and one key). */
  static Size size(String shape, double scale) {
    return switch (shape) {
      case "arith" -> new Size(shape, scaled(20_000_000, scale), 100);
      case "keys" -> new Size(shape, scaled(4_000_000, scale), (int) scaled(200_000, scale));
      case "vectors" -> new Size(shape, scaled(1_000_000, scale), 24);
      default -> throw new IllegalArgumentException("unknown shape " + shape + "; shapes: " + SHAPES);
    };
  }

  private static long scaled(long n, double scale) {
    return Math.max(1, Math.round(n * scale));
  }

  /** The path of {@code shape}'s input under {@code dir}, generating it first unless it is complete. */
  static String ensure(SparkSession spark, String shape, String dir, double scale, PrintStream out) {
    Size s = size(shape, scale);
    String path = new File(dir, s.name()).getPath();
    if (!new File(path, "_SUCCESS").exists()) {
      out.printf("generating %s: %d rows, %d keys in %s%n", shape, s.rows(), s.keys(), path);
      generate(spark, s).write().mode("overwrite").parquet(path);
    }
    return path;
  }

  /** The table of one shape and size. */
  static Dataset<Row> generate(SparkSession spark, Size s) {
    return switch (s.shape()) {
      case "arith" -> LossBenchmark.table(spark, s.rows(), s.keys(), 0);
      case "keys" -> LossBenchmark.table(spark, s.rows(), s.keys(), 0).orderBy("key");
      case "vectors" -> vectors(spark, s.rows(), s.keys());
      default -> throw new IllegalArgumentException("unknown shape " + s.shape());
    };
  }

  /**
   * key; y one-hot of a class; p the softmax of logits 2·[k = class] + N(0, 1) (so it favours the true
   * class); x of N(0, 1) entries and xhat = x + N(0, 0.1²), all through Spark SQL higher-order functions.
   */
  static Dataset<Row> vectors(SparkSession spark, long rows, int keys) {
    int partitions = (int) Math.max(2, Math.min(64, rows / 125_000));
    return spark.range(0, rows, 1, partitions).toDF()
        .withColumn("key", floor(Synthetic.uniform(1).multiply(keys)).cast("int"))
        .withColumn("class", floor(Synthetic.uniform(3).multiply(CLASSES)).cast("int"))
        .withColumn("y", expr("transform(sequence(0, " + (CLASSES - 1) + "), k -> IF(k = class, 1D, 0D))"))
        .withColumn("z", expr("transform(sequence(0, " + (CLASSES - 1) + "), k -> IF(k = class, 2D, 0D) + "
            + normal("10", "k") + ")"))
        .withColumn("ez", expr("transform(z, v -> exp(v - array_max(z)))"))
        .withColumn("total", expr("aggregate(ez, 0D, (a, b) -> a + b)"))
        .withColumn("p", expr("transform(ez, v -> v / total)"))
        .withColumn("x", expr("transform(sequence(0, " + (WIDTH - 1) + "), j -> " + normal("20", "j") + ")"))
        .withColumn("xhat", expr("zip_with(x, sequence(0, " + (WIDTH - 1) + "), (v, j) -> v + 0.1D * "
            + normal("30", "j") + ")"))
        .select("key", "y", "p", "x", "xhat");
  }

  /**
   * A standard normal number of (id, stream, {@code index}) in SQL (Box–Muller on two uniforms, as
   * {@link Synthetic#normal}), for use inside a lambda over the element index.
   */
  private static String normal(String stream, String index) {
    String u1 = "(shiftrightunsigned(xxhash64(id, " + stream + ", " + index + "), 11) * pow(2, -53))";
    String u2 = "(shiftrightunsigned(xxhash64(id, " + stream + " + 1, " + index + "), 11) * pow(2, -53))";
    return "sqrt(-2D * ln(1D - " + u1 + ")) * cos(2D * pi() * " + u2 + ")";
  }
}
