package org.sparklossreport.core;

/** The shape of an input column once read: one number per row, or one vector of numbers per row. */
public enum Shape {
  /** Any numeric column, read as a double (class indices are scalars too). */
  SCALAR,
  /** {@code array<double>}, {@code array<float>} or a Spark ML {@code Vector}, read as double[]. */
  VECTOR;

  /** Lower-case name for messages. */
  public String describe() {
    return this == SCALAR ? "a number" : "a vector";
  }
}
