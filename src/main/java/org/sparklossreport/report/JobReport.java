package org.sparklossreport.report;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A run's report as {@link ReportRun} computed it, for the caller to write: the rows, in one part or (the
 * streamed write) as the finest keys' rows and then a {@link Tail}; the saved states ({@code --states});
 * and, once the rows are written, what the run reports back ({@link #result}, with the gates). The rows
 * may read the pass's persisted states: they are valid until {@link #close}, which unpersists them.
 */
public final class JobReport implements AutoCloseable {
  /**
   * The last rows of a report written in two parts (the writer's {@code ReportWriter.Tail}): the overall
   * rows, made only once the first part is written (they need what writing it added up) and before
   * anything is committed. Making them may fail (the invalid-row policy), and then nothing is committed.
   *
   * @param identities the identity columns of the rows {@code rows} gives, known before (null for none)
   * @param rows the rows, after the first part is written (null for none)
   */
  public record Tail(Dataset<Row> identities, Supplier<Dataset<Row>> rows) {}

  private final List<String> keys;
  private final Dataset<Row> rows;
  private final Tail tail;
  private final Supplier<Dataset<Row>> savedStates;
  private final long savedStateCount;
  private final Function<String, RunResult> result;
  private final Runnable close;
  private final Supplier<Map<String, Row>> observed;

  JobReport(List<String> keys, Dataset<Row> rows, Tail tail, Supplier<Dataset<Row>> savedStates,
      long savedStateCount, Function<String, RunResult> result, Runnable close) {
    this(keys, rows, tail, savedStates, savedStateCount, result, close, Map::of);
  }

  JobReport(List<String> keys, Dataset<Row> rows, Tail tail, Supplier<Dataset<Row>> savedStates,
      long savedStateCount, Function<String, RunResult> result, Runnable close, Supplier<Map<String, Row>> observed) {
    this.keys = keys;
    this.rows = rows;
    this.tail = tail;
    this.savedStates = savedStates;
    this.savedStateCount = savedStateCount;
    this.result = result;
    this.close = close;
    this.observed = observed;
  }

  /**
   * The metrics the input observed during the pass ({@code Dataset.observe} before {@code ReportRun.plan}),
   * by name; empty when the pass's plan did not keep them (a report not from persisted states).
   */
  public Map<String, Row> observed() {
    return observed.get();
  }

  /** The report's key columns. */
  public List<String> keys() {
    return keys;
  }

  /** The report's rows; with a {@link #tail}, the rows written before it. */
  public Dataset<Row> rows() {
    return rows;
  }

  /** The rows written after {@link #rows}, or null: the report is written in one part. */
  public Tail tail() {
    return tail;
  }

  /**
   * The finest key states, one row per key and loss ({@code state.SavedStateTable}), to write before the
   * report (a run that then fails leaves states that its rerun replaces, key by key); null without
   * {@code --states}.
   */
  public Dataset<Row> savedStates() {
    return savedStates == null ? null : savedStates.get();
  }

  /** How many rows {@link #savedStates} has. */
  public long savedStateCount() {
    return savedStateCount;
  }

  /**
   * What the run reports back, once the rows are written to {@code output}: the gates are evaluated here
   * (a Spark job over a report that is not on the driver).
   */
  public RunResult result(String output) {
    return result.apply(output);
  }

  /** Unpersists what the rows read. */
  @Override
  public void close() {
    close.run();
  }
}
