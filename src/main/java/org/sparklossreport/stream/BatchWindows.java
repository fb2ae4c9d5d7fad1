package org.sparklossreport.stream;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * What one aggregate over a windowed micro-batch tells: its input rows, the windows its on-time rows touch,
 * its late rows per window (a window the watermark had passed before the batch), the rows without an event
 * time, and the latest event time. From it and the watermark before the batch, the watermark after it.
 *
 * @param inputRows the batch's rows
 * @param touched the starts (µs) of the windows that get on-time rows
 * @param late late rows by window start (µs)
 * @param noTime rows with a null event time
 * @param maxEvent the latest event time (µs), null when no row has one
 */
record BatchWindows(long inputRows, Set<Long> touched, Map<Long, Long> late, long noTime, Long maxEvent) {

  /**
   * From the rows of {@code (window start µs or null, late, rows, primary rows, max event µs)}, one per
   * window and lateness.
   */
  static BatchWindows of(List<Row> groups) {
    long input = 0;
    long noTime = 0;
    Long max = null;
    Set<Long> touched = new TreeSet<>();
    Map<Long, Long> late = new TreeMap<>();
    for (Row g : groups) {
      input += g.getLong(3);
      if (!g.isNullAt(4)) {
        max = max == null ? g.getLong(4) : Math.max(max, g.getLong(4));
      }
      if (g.isNullAt(0)) {
        noTime += g.getLong(2);
      } else if (g.getBoolean(1)) {
        late.merge(g.getLong(0), g.getLong(2), Long::sum);
      } else {
        touched.add(g.getLong(0));
      }
    }
    return new BatchWindows(input, touched, late, noTime, max);
  }

  /** The watermark after the batch: the latest event time less the delay, never moving back. */
  Long watermarkAfter(Long before, long delay) {
    if (maxEvent == null) {
      return before;
    }
    long w = maxEvent - delay;
    return before == null ? w : Math.max(before, w);
  }

  long lateRows() {
    return late.values().stream().mapToLong(Long::longValue).sum();
  }
}
