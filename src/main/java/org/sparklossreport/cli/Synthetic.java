package org.sparklossreport.cli;

import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sqrt;

import org.apache.spark.sql.Column;

/**
 * Deterministic pseudo-random columns for synthetic tables (the demo, the benchmark): functions of the
 * row's {@code id} alone, so a table is the same however Spark partitions it.
 */
public final class Synthetic {
  private Synthetic() {}

  /** A uniform number in [0, 1) from {@code id} and a stream number. */
  public static Column uniform(int stream) {
    return expr("shiftrightunsigned(xxhash64(id, " + stream + "), 11) * pow(2, -53)");
  }

  /** A standard normal number (Box–Muller on streams {@code stream} and {@code stream + 1}). */
  public static Column normal(int stream) {
    return sqrt(log(lit(1.0).minus(uniform(stream))).multiply(-2.0))
        .multiply(cos(uniform(stream + 1).multiply(2 * Math.PI)));
  }
}
