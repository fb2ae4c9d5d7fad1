package org.sparklossreport.stream;

import java.util.ArrayList;
import java.util.List;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.spec.JobSpec;

/**
 * An immutable description of a {@code stream} run: the pass per window ({@code job}: losses, columns,
 * keys, groupings, intervals, comparison, gates, invalid-row policy, the report's and the states' paths, as
 * the batch job takes them), the source, the event-time windows and watermark, the checkpoint and the trigger.
 *
 * @param job the batch job's description of the pass (its {@code partitionBy} are the keys within a window)
 * @param source the source's format: delta, parquet, json or kafka
 * @param kafkaBootstrap kafka only: the brokers, HOST:PORT
 * @param topic kafka only: the topic
 * @param valueSchema kafka only: the DDL schema of the JSON values
 * @param maxFilesPerTrigger file and Delta sources: at most this many files per micro-batch (null: all new)
 * @param eventTime the event-time column (a timestamp)
 * @param window the window's length, e.g. {@code 1 hour}
 * @param slide the windows' slide (null: tumbling windows)
 * @param watermark how long after the latest event time seen a window stays open
 * @param checkpoint the query's checkpoint directory (also holds the open windows' states)
 * @param trigger {@code available-now} or a processing-time interval, e.g. {@code 5 minutes}
 * @param lateOutput where late rows are written (a Delta table), null for nowhere
 * @param kafkaOptions kafka only: more options of Spark's Kafka source ({@code --kafka-option}), empty if none
 */
public record StreamSpec(JobSpec job, String source, String kafkaBootstrap, String topic, String valueSchema,
    Integer maxFilesPerTrigger, String eventTime, Duration window, Duration slide, Duration watermark,
    String checkpoint, String trigger, String lateOutput, java.util.Map<String, String> kafkaOptions) {

  /** The window columns every report row carries (part of its identity), first among the keys. */
  public static final List<String> WINDOW = List.of("window_start", "window_end");

  public StreamSpec {
    if (slide != null && slide.micros() > window.micros()) {
      throw new UsageException("--slide " + slide.text() + " is longer than --window " + window.text()
          + "; give a slide at most the window's length");
    }
    for (String k : job.partitionBy()) {
      if (WINDOW.contains(k) || k.equals("closed") || k.equals("late_rows")) {
        throw new UsageException("--partition-by " + k + ": the stream's report has a column of that name; rename"
            + " the column");
      }
    }
  }

  /** Whether {@link #trigger} is {@code available-now}: process what is there, then stop. */
  public boolean availableNow() {
    return trigger.equals("available-now");
  }

  /** The keys of a window's states: the window columns, then the job's keys. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(WINDOW);
    keys.addAll(job.partitionBy());
    return keys;
  }

  /**
   * The groupings of the stream's report: each of the job's groupings (default: every key, then overall)
   * within a window, i.e. with the window columns before it ({@code overall} is the window alone).
   */
  public List<List<String>> windowGroupings() {
    List<List<String>> sets = job.groupingSets().isEmpty()
        ? List.of(job.partitionBy(), List.of("overall")) : job.groupingSets();
    List<List<String>> out = new ArrayList<>();
    for (List<String> g : sets) {
      List<String> w = new ArrayList<>(WINDOW);
      if (!g.equals(List.of("overall"))) {
        w.addAll(g);
      }
      if (!out.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** A duration as given ({@code 1 hour}) and in microseconds. */
  public record Duration(String text, long micros) implements java.io.Serializable {
    public Duration {
      if (micros <= 0) {
        throw new IllegalArgumentException("a duration must be positive: " + text);
      }
    }
  }
}
