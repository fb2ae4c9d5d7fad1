package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.LoggerFactory;
import org.sparklossreport.engine.ColumnTypes;

/**
 * What a windowed micro-batch's counts tell (observed by the pass's scan, {@link #metrics}): its input rows,
 * its late rows per window (a window the watermark had passed before the batch), the rows without an event
 * time, and the latest event time; with the windows its on-time rows touch (the windows of the pass's
 * states). From it and the watermark before the batch, the watermark after it.
 *
 * @param inputRows the batch's rows
 * @param touched the starts (µs) of the windows that get on-time rows
 * @param late late rows by window start (µs)
 * @param noTime rows with a null event time
 * @param maxEvent the latest event time (µs), null when no row has one
 */
record BatchWindows(long inputRows, Set<Long> touched, Map<Long, Long> late, long noTime, Long maxEvent) {
  /** The name of the metrics the batch's rows are observed with on their way into the pass. */
  static final String METRICS = "loss_report_stream_batch";

  /**
   * The metrics of a windowed batch ({@link Windows}, with the boolean column {@code late}), observed by the
   * pass's scan: input rows, rows without an event time, the latest event time (µs) and late window rows.
   * (Not the windows touched: a set per row would cost a 10M-row pass about a tenth; the pass's states
   * hold them.)
   */
  static Column[] metrics(String eventTime, String late) {
    return new Column[] {
        sum(when(col(Windows.PRIMARY), 1L).otherwise(0L)).as("input_rows"),
        sum(when(col(Windows.START).isNull(), 1L).otherwise(0L)).as("no_time"),
        max(unix_micros(col(ColumnTypes.quote(eventTime)).cast("timestamp"))).as("max_event"),
        sum(when(col(late), 1L).otherwise(0L)).as("late_rows")};
  }

  /**
   * From the observed {@link #metrics} ({@code m}) and the windows the on-time rows touched; the late rows
   * per window from a job of their own over {@code windowed} when there are any. Without metrics (null: the
   * pass's plan did not keep them), the same metrics from an aggregate of their own over {@code windowed}.
   */
  static BatchWindows of(Row m, Set<Long> touched, Dataset<Row> windowed, String late, String eventTime) {
    if (m == null) {
      LoggerFactory.getLogger(BatchWindows.class).info("The pass kept no metrics of the batch: counting them in a job of their own");
      Column[] all = metrics(eventTime, late);
      m = windowed.agg(all[0], Arrays.copyOfRange(all, 1, all.length)).first();
    }
    Map<Long, Long> perWindow = new TreeMap<>();
    if (longOrZero(m, 3) > 0) {
      windowed.where(col(late)).groupBy(col(Windows.START)).count().collectAsList()
          .forEach(r -> perWindow.put(r.getLong(0), r.getLong(1)));
    }
    return new BatchWindows(longOrZero(m, 0), new TreeSet<>(touched), perWindow, longOrZero(m, 1),
        m.isNullAt(2) ? null : m.getLong(2));
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
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
