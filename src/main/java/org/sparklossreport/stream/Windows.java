package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_micros;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;

/**
 * The event-time windows of rows, by the one rule of Spark's {@code window()}: windows of length L start at
 * every multiple of the slide S since the epoch (S = L: tumbling), and a row at time t is in each window
 * [start, start + L) that holds t. A row with a null event time is in no window: it gets one output row
 * with null window columns (never dropped), which {@link MicroBatch} sets apart. Tumbling windows take the
 * one start by arithmetic (a per-row sequence, filter and explode cost a 10M-row pass about a third).
 */
final class Windows {
  /** The helper columns a windowed batch carries: the window's start in µs, and whether it is the row's last window. */
  static final String START = "__window_start_us";
  static final String PRIMARY = "__primary";

  private Windows() {}

  /** {@code rows} with the window columns: one row per (row, window), {@code window_start}, {@code window_end}. */
  static Dataset<Row> of(Dataset<Row> rows, StreamSpec spec) {
    String et = spec.eventTime();
    if (!java.util.List.of(rows.columns()).contains(et)) {
      throw new UsageException("--event-time " + et + ": no such column; the source's columns: "
          + String.join(", ", rows.columns()));
    }
    var type = ColumnTypes.find(rows.schema(), et).dataType();
    if (!(type instanceof TimestampType) && !(type instanceof TimestampNTZType)) {
      throw new UsageException("--event-time " + et + " is " + type.simpleString() + "; expected a timestamp"
          + " (give the source's schema with a TIMESTAMP column)");
    }
    long length = spec.window().micros();
    long slide = spec.slide() == null ? length : spec.slide().micros();
    Column t = unix_micros(col(ColumnTypes.quote(et)).cast("timestamp"));
    Column last = t.minus(pmod(t, lit(slide))); // the latest window start at or before t
    Dataset<Row> started;
    if (slide == length) { // tumbling: the one window holding t, without the sequence and explode per row
      started = rows.withColumn(START, last).withColumn(PRIMARY, lit(true));
    } else {
      long back = (length + slide - 1) / slide - 1; // how many earlier starts may still hold t
      Column starts = filter(sequence(last.minus(lit(back * slide)), last, lit(slide)),
          s -> s.plus(lit(length)).gt(t));
      started = rows.withColumn("__last", last)
          .withColumn(START, explode_outer(starts))
          .withColumn(PRIMARY, col(START).isNull().or(col(START).equalTo(col("__last"))))
          .drop("__last");
    }
    return started.withColumn(StreamSpec.WINDOW.get(0), timestamp_micros(col(START)))
        .withColumn(StreamSpec.WINDOW.get(1), timestamp_micros(col(START).plus(lit(length))));
  }
}
