package org.sparklossreport.history;

import java.util.Arrays;
import java.util.Locale;
import org.sparklossreport.core.UsageException;

/** How a band is made from earlier values ({@code --band}); see {@link Bands}. */
public enum BandMethod {
  /** mean ± k·sd of the earlier values. */
  NORMAL,
  /** median ± k·1.4826·MAD. */
  ROBUST,
  /** additive Holt-Winters with a weekly season (7); with fewer than two seasons of history: {@link #NORMAL}. */
  SEASONAL,
  /** relative change against the previous value beyond {@code --band-change}. */
  CHANGE;

  /** The name in the report's {@code band_method} column and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code --band} {@code text}; a {@link UsageException} names the valid methods. */
  public static BandMethod parse(String text) {
    for (BandMethod m : values()) {
      if (m.label().equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new UsageException("--band '" + text + "' is not a band method; expected one of "
        + String.join(", ", Arrays.stream(values()).map(BandMethod::label).toList()));
  }
}
