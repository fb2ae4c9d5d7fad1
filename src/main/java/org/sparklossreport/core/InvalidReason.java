package org.sparklossreport.core;

/** Why a row does not contribute to a loss. Each reason is counted separately in the loss state. */
public enum InvalidReason {
  /** An input column is null (or a vector holds a null element). */
  NULL("null"),
  /** An input is NaN or ±Infinity. */
  NOT_FINITE("not_finite"),
  /** A probability lies outside [0, 1] (inputs not read as logits). */
  PROBABILITY_RANGE("probability_out_of_range"),
  /** A label lies outside the loss's domain (binary labels outside [0, 1], msle labels ≤ −1, …). */
  LABEL_RANGE("label_out_of_range"),
  /** A prediction lies outside the loss's domain (msle predictions ≤ −1, poisson predictions < 0, …). */
  PREDICTION_RANGE("prediction_out_of_range"),
  /** A class index is negative, not an integer, or not below the length of the probability vector. */
  CLASS_INDEX("class_index_out_of_range"),
  /** Two vectors of one row have different lengths, or a vector is empty. */
  VECTOR_LENGTH("vector_length_mismatch"),
  /** The weight is negative, NaN or infinite. */
  WEIGHT("invalid_weight");

  private final String label;

  InvalidReason(String label) {
    this.label = label;
  }

  /** The name used in reports and error messages. */
  public String label() {
    return label;
  }

  /** The ordinal of a reason, −1 for none (a valid row): a row's reason as a number. */
  public static int codeOf(InvalidReason reason) {
    return reason == null ? -1 : reason.ordinal();
  }

  /** The number of reasons: the length of the per-loss counter block after the row count. */
  public static final int COUNT = values().length;
}
