package org.sparklossreport.history;

import java.io.Serializable;
import java.util.List;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.gates.Gate;

/**
 * A run's history ({@code --history-by COL}): immutable, checked when built.
 *
 * @param column the key column that orders nights ({@code --history-by}), e.g. {@code date}
 * @param window at most this many earlier values per series ({@code --history-window}, default 28)
 * @param min fewer earlier values than this give null band columns ({@code --history-min}, default 7)
 * @param method {@code --band}
 * @param k the band's half-width in standard deviations ({@code --band-k}, default 3)
 * @param change the relative change of {@link BandMethod#CHANGE} ({@code --band-change}, default 0.1)
 * @param keepAnomalies anomalous values stay in later history ({@code --history-keep-anomalies})
 * @param gates the gates on {@code z} and {@code anomaly} ({@link HistoryColumns#GATE_FIELDS})
 */
public record HistorySpec(String column, int window, int min, BandMethod method, double k, double change,
    boolean keepAnomalies, List<Gate> gates) implements Serializable {
  public static final int DEFAULT_WINDOW = 28;
  public static final int DEFAULT_MIN = 7;
  public static final double DEFAULT_K = 3;
  public static final double DEFAULT_CHANGE = 0.1;

  public HistorySpec {
    if (column == null || column.isBlank()) {
      throw new UsageException("--history-by: give the key column that orders the history, e.g. --history-by date");
    }
    if (window < 1 || window > 10_000) {
      throw new UsageException("--history-window " + window + ": expected a whole number in 1..10000");
    }
    if (min < 1 || min > window) {
      throw new UsageException("--history-min " + min + ": expected a whole number in 1..--history-window (" + window + ")");
    }
    if (!(k > 0) || Double.isInfinite(k)) {
      throw new UsageException("--band-k " + k + ": expected a finite number > 0");
    }
    if (!(change > 0) || Double.isInfinite(change)) {
      throw new UsageException("--band-change " + change + ": expected a finite number > 0, e.g. 0.1");
    }
    if (method == null) {
      throw new UsageException("--band: expected one of normal, robust, seasonal, change");
    }
    gates = List.copyOf(gates);
  }

  /** The history by {@code column} with every default: normal bands, k = 3, window 28, min 7, no gates. */
  public static HistorySpec of(String column) {
    return new HistorySpec(column, DEFAULT_WINDOW, DEFAULT_MIN, BandMethod.NORMAL, DEFAULT_K, DEFAULT_CHANGE, false,
        List.of());
  }
}
