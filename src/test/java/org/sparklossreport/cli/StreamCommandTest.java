package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * {@code stream}'s command line: its help, and exit 2 with one {@code error:} line naming the option or
 * column at fault for the user's mistakes, before the query starts or (rows without an event time under
 * {@code --invalid fail}) in its first micro-batch; an empty source is processed (nothing) with exit 0.
 */
@SparkTest
class StreamCommandTest {
  private static final String SCHEMA = "ts TIMESTAMP, model STRING, label DOUBLE, prediction DOUBLE";

  private static List<String> args(Path tmp, String in, String... more) {
    List<String> a = new ArrayList<>(List.of("stream", "--input", in, "--input-format", "json", "--input-schema",
        SCHEMA, "--event-time", "ts", "--window", "1 hour", "--watermark", "30 minutes", "--partition-by", "model",
        "--losses", "mse", "--output", tmp.resolve("out").toString(), "--checkpoint", tmp.resolve("ckpt").toString()));
    for (int i = 0; i < more.length; i += 2) {
      int at = a.indexOf(more[i]);
      if (more[i + 1] == null) {
        a.remove(at + 1);
        a.remove(at);
      } else if (at >= 0) {
        a.set(at + 1, more[i + 1]);
      } else {
        a.add(more[i]);
        a.add(more[i + 1]);
      }
    }
    return a;
  }

  @Test
  void helpListsTheStreamsOptions() {
    JobFixtures.Outcome o = JobFixtures.ok("stream", "--help");
    for (String s : List.of("--event-time", "--window", "--slide", "--watermark", "--checkpoint", "--trigger",
        "--late-output", "--kafka-bootstrap", "--fail-if", "--gates-output", "available-now", "late_rows", "closed")) {
      assertTrue(o.out().contains(s), s + " in:\n" + o.out());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--watermark||--watermark",
      "--window|1 month|--window '1 month'",
      "--window|soon|--window 'soon'",
      "--slide|2 hours|--slide 2 hours is longer than --window",
      "--input-format|csv|--input-format csv",
      "--trigger|every day|--trigger 'every day'",
      "--event-time|model|--event-time model is string; expected a timestamp",
      "--event-time|nope|--event-time nope: no such column",
      "--label|y|y",
      "--partition-by|window_start|--partition-by window_start",
      "--kafka-bootstrap|127.0.0.1:1|--kafka-bootstrap, --topic, --value-schema and --kafka-option are for --input-format kafka",
      "--kafka-option|maxOffsetsPerTrigger=10|--kafka-bootstrap, --topic, --value-schema and --kafka-option are for"})
  void mistakesExitTwoNamingTheOption(String option, String value, String expected, @TempDir Path tmp) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a.json"), "{\"ts\":\"2026-12-01T00:10:00Z\",\"model\":\"a\",\"label\":1,\"prediction\":2}\n");
    JobFixtures.Outcome o = JobFixtures.run(args(tmp, in.toString(), option, value).toArray(String[]::new));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().contains(expected), o.errorLine());
    assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  private static String[] kafka(Path tmp, String bootstrap, String... more) {
    List<String> a = new ArrayList<>(List.of("stream", "--input-format", "kafka", "--kafka-bootstrap", bootstrap,
        "--topic", "preds", "--value-schema", SCHEMA, "--event-time", "ts", "--window", "1 hour", "--watermark",
        "1 hour", "--losses", "mse", "--output", tmp.resolve("out").toString(), "--checkpoint",
        tmp.resolve("ckpt").toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** {@code --kafka-option} is KEY=VALUE, and not one of the options the stream sets from its own. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "maxOffsetsPerTrigger|--kafka-option 'maxOffsetsPerTrigger': expected KEY=VALUE",
      "=5|--kafka-option '=5': expected KEY=VALUE",
      "subscribe=other|--kafka-option subscribe: set by the stream from --kafka-bootstrap and --topic",
      "kafka.bootstrap.servers=127.0.0.1:2|--kafka-option kafka.bootstrap.servers: set by the stream"})
  void kafkaOptionMistakesExitTwo(String option, String expected, @TempDir Path tmp) {
    String line = JobFixtures.usageError(kafka(tmp, "127.0.0.1:9", "--kafka-option", option));
    assertTrue(line.contains(expected), line);
  }

  /**
   * No broker at {@code --kafka-bootstrap} (a loopback port nobody listens on): exit 2 naming the option, once
   * the Kafka source's offset look-ups timed out, bounded here by the {@code kafka.*} time-outs given with
   * {@code --kafka-option} (Kafka's defaults wait 3 x 60 s). Spark's Kafka source is on the classpath.
   */
  @Test
  void anUnreachableKafkaBrokerExitsTwoNamingTheOption(@TempDir Path tmp) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    JobFixtures.Outcome o = JobFixtures.run(kafka(tmp, "127.0.0.1:" + port, "--kafka-option",
        "kafka.request.timeout.ms=1000", "--kafka-option", "kafka.default.api.timeout.ms=1000", "--kafka-option",
        "fetchOffset.numRetries=1"));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().startsWith("error: --kafka-bootstrap 127.0.0.1:" + port + ": no Kafka broker answered"),
        o.errorLine());
    assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(30),
        "bounded by the time-outs given");
  }

  @Test
  void rowsWithoutEventTimeFailUnderInvalidFail(@TempDir Path tmp) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a.json"), "{\"ts\":null,\"model\":\"a\",\"label\":1,\"prediction\":2}\n",
        StandardCharsets.UTF_8);
    JobFixtures.Outcome o = JobFixtures.run(args(tmp, in.toString()).toArray(String[]::new));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().contains("1 row(s) have a null --event-time ts"), o.errorLine());
  }

  @Test
  void invalidRowsUnderInvalidFailExitTwoAdvisingSkipOrQuarantine(@TempDir Path tmp) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a.json"), "{\"ts\":\"2026-12-01T00:10:00Z\",\"model\":\"a\",\"label\":null,"
        + "\"prediction\":2}\n", StandardCharsets.UTF_8);
    JobFixtures.Outcome o = JobFixtures.run(args(tmp, in.toString()).toArray(String[]::new));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().contains("1 invalid row(s) for loss mse") && o.errorLine().contains("--invalid skip")
        && o.errorLine().contains("--invalid 'quarantine PATH'"), o.errorLine());
  }

  /**
   * {@code --invalid 'quarantine PATH'}: each micro-batch's invalid rows are appended to the Delta table PATH
   * with their window, loss, reason and batch; the report counts them in invalid_rows, as under skip.
   */
  @Test
  void quarantineAppendsEachBatchsInvalidRows(@TempDir Path tmp) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("a.json"), "{\"ts\":\"2026-12-01T00:10:00Z\",\"model\":\"a\",\"label\":null,"
        + "\"prediction\":2}\n{\"ts\":\"2026-12-01T00:20:00Z\",\"model\":\"a\",\"label\":1,\"prediction\":2}\n",
        StandardCharsets.UTF_8);
    String q = tmp.resolve("quarantine").toString();
    String[] a = args(tmp, in.toString(), "--invalid", "quarantine " + q).toArray(String[]::new);
    JobFixtures.ok(a);
    Files.writeString(in.resolve("b.json"), "{\"ts\":\"2026-12-01T00:30:00Z\",\"model\":\"b\",\"label\":3,"
        + "\"prediction\":null}\n", StandardCharsets.UTF_8);
    JobFixtures.ok(a); // the same checkpoint: a second micro-batch
    var spark = org.sparklossreport.testing.SharedSparkSession.get();
    List<org.apache.spark.sql.Row> rows = spark.read().format("delta").load(q)
        .orderBy("batch_id").select("model", "loss", "reason", "batch_id", "window_start").collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    assertEquals(List.of("a", "mse", "null", 0L), List.of(rows.get(0).get(0), rows.get(0).get(1), rows.get(0).get(2),
        rows.get(0).get(3)), rows.toString());
    assertEquals(List.of("b", 1L), List.of(rows.get(1).get(0), rows.get(1).get(3)), rows.toString());
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2026-12-01T00:00:00Z")), rows.get(0).get(4));
    List<org.apache.spark.sql.Row> report = spark.read().format("delta").load(tmp.resolve("out").toString())
        .where("grouping = 'model'").orderBy("model").select("model", "rows", "invalid_rows").collectAsList();
    assertEquals("[[a,1,1], [b,0,1]]", report.toString());
  }

  @Test
  void anEmptySourceIsProcessedWithExitZero(@TempDir Path tmp) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    JobFixtures.Outcome o = JobFixtures.ok(args(tmp, in.toString()).toArray(String[]::new));
    assertFalse(o.out().contains("batch "), o.out());
  }
}
