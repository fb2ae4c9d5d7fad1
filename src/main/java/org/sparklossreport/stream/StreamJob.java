package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;

/**
 * {@code loss-report stream}: the streaming query over the source, each micro-batch a {@link MicroBatch}
 * ({@code foreachBatch}), started with the spec's trigger. {@code available-now} processes what the source
 * holds and returns; a processing-time trigger runs until {@link #stop} (the command's SIGTERM), which lets
 * the current micro-batch finish first.
 */
public final class StreamJob {
  private static final Logger LOG = LoggerFactory.getLogger(StreamJob.class);

  private static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

  private final SparkSession spark;
  private final StreamSpec spec;
  private final PrintStream out;
  private final WindowGates gates;
  private volatile StreamingQuery query;
  private volatile boolean stopping;

  public StreamJob(SparkSession spark, StreamSpec spec, PrintStream out, PrintStream err) {
    this.spark = spark;
    this.spec = spec;
    this.out = out;
    this.gates = new WindowGates(spec.job().gates(), spec.job().gatesOutput(), err);
  }

  /** Runs the query until it ends (available-now) or is stopped; returns how many window gates failed. */
  public int run() throws Exception {
    if (!spark.conf().contains(SNAPSHOT_PARTITIONS)) { // Delta's default, 50 tasks per table read, dwarfs a micro-batch
      spark.conf().set(SNAPSHOT_PARTITIONS, String.valueOf(Math.max(2, spark.sparkContext().defaultParallelism())));
    }
    Dataset<Row> source = source();
    Windows.of(source, spec); // the event-time column is checked before the query starts
    MicroBatch batches = new MicroBatch(spec, out, gates);
    checkPlan(source);
    query = source.writeStream()
        .option("checkpointLocation", spec.checkpoint())
        .trigger(spec.availableNow() ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(StreamOptions.duration(java.util.Map.of(), "trigger", spec.trigger()).micros() / 1000,
                TimeUnit.MILLISECONDS))
        .foreachBatch(batches)
        .queryName("loss-report-stream")
        .start();
    LOG.info("Streaming query {} started ({}), checkpoint {}", query.id(), spec.trigger(), spec.checkpoint());
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      throw unwrap(e);
    }
    if (stopping) {
      out.println("stopped (SIGTERM) after batch " + (batches.last() < 0 ? "none" : String.valueOf(batches.last())));
    }
    return gates.failed();
  }

  /** Stops the query once its current micro-batch is done (a SIGTERM). */
  public void stop() throws TimeoutException {
    stopping = true;
    StreamingQuery q = query;
    if (q == null) {
      return;
    }
    while (q.isActive() && q.status().isTriggerActive()) {
      try {
        q.awaitTermination(200);
      } catch (StreamingQueryException e) {
        return;
      }
    }
    q.stop();
  }

  /** Whether {@link #stop} was called. */
  public boolean stopping() {
    return stopping;
  }

  /**
   * The user's mistake inside a micro-batch (a {@link UsageException}) as itself, Kafka's brokers out of reach
   * or its topic missing as {@link #kafkaMistake}; anything else as it is.
   */
  private Exception unwrap(StreamingQueryException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UsageException u) {
        return u;
      }
    }
    UsageException kafka = kafkaMistake(e);
    return kafka != null ? kafka : e;
  }

  /**
   * Kafka's time-out waiting for a broker (none answered at {@code --kafka-bootstrap}) or its word that the
   * topic does not exist, as the user's mistake (exit 2, one {@code error:} line naming the option); null for
   * anything else. Matched by class name: the Kafka clients are on the classpath only with the Kafka source.
   */
  private UsageException kafkaMistake(Throwable e) {
    if (!spec.source().equals("kafka")) {
      return null;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      switch (t.getClass().getName()) {
        case "org.apache.kafka.common.errors.UnknownTopicOrPartitionException" -> {
          return new UsageException("--topic " + spec.topic() + ": no such topic at " + spec.kafkaBootstrap() + " ("
              + Messages.firstLine(t.getMessage()) + ")", e);
        }
        case "org.apache.kafka.common.errors.TimeoutException" -> {
          return new UsageException("--kafka-bootstrap " + spec.kafkaBootstrap() + ": no Kafka broker answered ("
              + Messages.firstLine(t.getMessage()) + "); the wait is Kafka's kafka.request.timeout.ms and"
              + " kafka.default.api.timeout.ms, options for --kafka-option", e);
        }
        default -> { }
      }
    }
    return null;
  }

  /**
   * The job's plan over the source's columns, before the query starts: a column, loss, key, grouping or
   * gate at fault is an {@code error:} line and exit 2 (as the batch job's), not a failed micro-batch.
   */
  private void checkPlan(Dataset<Row> source) {
    Dataset<Row> empty = spark.createDataFrame(java.util.List.of(), source.schema());
    org.sparklossreport.report.ReportRun.plan(spark, spec.job(), empty, "check", new java.sql.Timestamp(0));
  }

  private Dataset<Row> source() {
    try {
      DataStreamReader r = spark.readStream();
      switch (spec.source()) {
        case "kafka" -> {
          StructType values = StructType.fromDDL(spec.valueSchema());
          return r.format("kafka").option("startingOffsets", "earliest").option("failOnDataLoss", "true")
              .options(spec.kafkaOptions()) // --kafka-option, which may replace the two above
              .option("kafka.bootstrap.servers", spec.kafkaBootstrap()).option("subscribe", spec.topic()).load()
              .select(from_json(col("value").cast("string"), values).as("v")).select("v.*");
        }
        case "delta" -> {
          r = r.format("delta");
          if (spec.maxFilesPerTrigger() != null) {
            r = r.option("maxFilesPerTrigger", spec.maxFilesPerTrigger());
          }
          return r.load(spec.job().input());
        }
        default -> {
          StructType schema = spec.job().inputSchema() != null ? StructType.fromDDL(spec.job().inputSchema())
              : spark.read().format(spec.source()).load(spec.job().input()).schema();
          r = r.format(spec.source()).schema(schema);
          if (spec.maxFilesPerTrigger() != null) {
            r = r.option("maxFilesPerTrigger", spec.maxFilesPerTrigger());
          }
          return r.load(spec.job().input());
        }
      }
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) { // Scala throws AnalysisException and parse errors unchecked
      String m = String.valueOf(e.getMessage());
      if (m.contains("DATA_SOURCE_NOT_FOUND") || m.contains("Failed to find data source")) {
        throw new UsageException("--input-format " + spec.source() + " is not available on this classpath"
            + (spec.source().equals("kafka") ? " (it needs org.apache.spark:spark-sql-kafka-0-10_2.13:4.0.1:"
                + " spark-submit --packages)" : ""), e);
      }
      if (e instanceof AnalysisException || e instanceof org.apache.spark.sql.catalyst.parser.ParseException) {
        String what = spec.source().equals("kafka") ? "topic " + spec.topic() + " at " + spec.kafkaBootstrap()
            : "--input '" + spec.job().input() + "'";
        throw new UsageException("cannot read " + what + " as a " + spec.source() + " stream: "
            + Messages.firstLine(e.getMessage()), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }
}
