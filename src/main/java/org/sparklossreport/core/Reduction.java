package org.sparklossreport.core;

import java.util.Locale;

/** How the weighted per-row terms of a key become one number: {@code mean} = Σwℓ/Σw, {@code sum} = Σwℓ. */
public enum Reduction {
  MEAN,
  SUM;

  /** Parses {@code mean} or {@code sum}; names the loss and the valid values when it fails. */
  public static Reduction parse(String loss, String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new LossSpecException(
          loss + ": reduction must be mean or sum, got '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
