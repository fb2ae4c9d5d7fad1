package org.sparklossreport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.stream.StreamRows.HOUR;
import static org.sparklossreport.stream.StreamRows.MINUTE;
import static org.sparklossreport.stream.StreamRows.T0;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.api.LossReport;
import org.sparklossreport.stream.StreamRows.Event;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.KafkaBroker;
import org.sparklossreport.testing.SparkTest;

/**
 * {@code stream --input-format kafka} against a real broker ({@link KafkaBroker}: one KRaft node on 127.0.0.1
 * in a JVM of its own, for the class): JSON rows produced with kafka-clients to a topic of 2 partitions, read
 * in two available-now runs on one checkpoint, the second after more rows arrived, some of them late. Every
 * window's rows equal the batch job over its on-time rows with the window as a key (values 1e-12 relative,
 * counts exact, computed here from the rows produced); the late rows are counted in their windows' {@code
 * late_rows} and written to {@code --late-output}; each run's micro-batches read exactly the rows produced
 * before it (none twice). A value that is not JSON is a row without event time and a null label an invalid
 * row, as in the file sources; a missing topic and a server nobody answers at are exit 2 naming the option.
 */
@SparkTest
class KafkaStreamIT {
  private static final String SCHEMA = "ts TIMESTAMP, model STRING, label DOUBLE, prediction DOUBLE, weight DOUBLE";
  private static final String LOSSES = "mse,mae";
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private List<String> args(String topic, Path tmp, String invalid) {
    return new ArrayList<>(List.of("stream", "--input-format", "kafka", "--kafka-bootstrap", broker.bootstrap(),
        "--topic", topic, "--value-schema", SCHEMA, "--event-time", "ts", "--window", "1 hour", "--watermark",
        "30 minutes", "--partition-by", "model", "--losses", LOSSES, "--weight", "weight", "--invalid", invalid,
        "--trigger", "available-now", "--output", tmp.resolve("report").toString(), "--checkpoint",
        tmp.resolve("ckpt").toString()));
  }

  /** Sends the events as JSON values keyed by model, then the extra values (not events) without a key. */
  private static void produce(String topic, List<Event> events, String... extra) {
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (Event e : events) {
      keys.add(e.model());
      values.add(StreamRows.json(e));
    }
    for (String x : extra) {
      keys.add(null);
      values.add(x);
    }
    broker.produce(topic, keys, values);
  }

  /** The input rows of a run: the sum of its micro-batches' counts. */
  private static long inputRows(String out) {
    return out.lines().filter(l -> l.startsWith("batch ")).mapToLong(l -> Long.parseLong(
        l.substring(l.indexOf(": ") + 2, l.indexOf(" input row(s)")))).sum();
  }

  @Test
  void twoRunsOnOneCheckpointEqualTheBatchJobPerWindow(SparkSession spark, @TempDir Path tmp) throws Exception {
    broker.createTopic("preds", 2);
    Random r = new Random(2029);
    List<Event> first = new ArrayList<>();
    for (int i = 0; i < 150; i++) { // 00:00-03:00, each at most 10 minutes before the latest so far
      long ts = T0 + 5 * MINUTE + i * (175 * MINUTE / 150) - (long) (r.nextDouble() * 10 * MINUTE);
      first.add(new Event(ts, "m" + r.nextInt(3), i == 33 ? null : r.nextGaussian(), r.nextGaussian() * 0.5,
          0.5 + r.nextDouble()));
    }
    produce("preds", first, "not json {");
    List<String> args = args("preds", tmp, "skip");
    args.addAll(List.of("--late-output", tmp.resolve("late").toString()));

    JobFixtures.Outcome one = JobFixtures.ok(args.toArray(String[]::new));
    assertEquals(151, inputRows(one.out()), one.out());
    assertTrue(one.out().contains("1 without event time"), one.out());
    long watermark = first.stream().mapToLong(Event::ts).max().orElseThrow() - 30 * MINUTE;
    assertTrue(watermark >= T0 + 2 * HOUR, "the first run closes the windows 00:00 and 01:00");

    List<Event> late = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      late.add(new Event(T0 + (10 + i) * MINUTE, "m" + (i % 2), 50.0 + i, 0.0, 1.0)); // window 00:00
    }
    for (int i = 0; i < 3; i++) {
      late.add(new Event(T0 + HOUR + (20 + i) * MINUTE, "m2", 70.0 + i, 0.0, 1.0)); // window 01:00
    }
    List<Event> second = new ArrayList<>(late);
    for (int i = 0; i < 100; i++) { // 02:45-05:00: the open window 02:00 gets rows too
      long ts = T0 + 165 * MINUTE + i * (135 * MINUTE / 100) - (long) (r.nextDouble() * 10 * MINUTE);
      second.add(new Event(ts, "m" + r.nextInt(3), r.nextGaussian(), r.nextGaussian() * 0.5, 0.5 + r.nextDouble()));
    }
    java.util.Collections.shuffle(second, r);
    produce("preds", second);

    JobFixtures.Outcome two = JobFixtures.ok(args.toArray(String[]::new));
    assertEquals(second.size(), inputRows(two.out()), "the second run reads the new rows only:\n" + two.out());
    assertTrue(two.out().contains(" 8 late row(s)"), two.out());
    JobFixtures.Outcome three = JobFixtures.ok(args.toArray(String[]::new));
    assertEquals(0, inputRows(three.out()), "nothing new, nothing read:\n" + three.out());

    List<Event> onTime = new ArrayList<>(first);
    second.stream().filter(e -> !late.contains(e)).forEach(onTime::add);
    Dataset<Row> reference = LossReport.of(StreamRows.windowed(spark, onTime, HOUR, HOUR))
        .partitionBy("window_start", "window_end", "model").groupingSets("window_start,window_end,model;window_start,window_end")
        .weight("weight").losses(LOSSES.split(",")).invalid("skip").compute();
    Map<List<Object>, List<Object>> expected = StreamRows.byIdentity(reference);
    Map<List<Object>, List<Object>> actual = StreamRows.byIdentity(
        spark.read().format("delta").load(tmp.resolve("report").toString()), "closed", "late_rows", "window_end");
    assertEquals(new TreeSet<>(expected.keySet().stream().map(Object::toString).toList()),
        new TreeSet<>(actual.keySet().stream().map(Object::toString).toList()));
    Map<String, Long> lateByWindow = new HashMap<>(Map.of(StreamRows.ts(T0).toString(), 5L,
        StreamRows.ts(T0 + HOUR).toString(), 3L));
    long finalWatermark = onTime.stream().mapToLong(Event::ts).max().orElseThrow() - 30 * MINUTE;
    long invalid = 0;
    for (Map.Entry<List<Object>, List<Object>> e : expected.entrySet()) {
      List<Object> a = actual.get(e.getKey());
      Approx.assertClose((Double) e.getValue().get(0), (Double) a.get(0), 1e-12, 0, e.getKey().toString());
      assertEquals(e.getValue().subList(1, 3), a.subList(1, 3), "rows, invalid_rows of " + e.getKey());
      long end = ((java.sql.Timestamp) a.get(5)).toInstant().getEpochSecond() * 1_000_000L;
      assertEquals(end <= finalWatermark, a.get(3), "closed of " + e.getKey());
      assertEquals(lateByWindow.getOrDefault(e.getKey().get(0).toString(), 0L), a.get(4), "late_rows of " + e.getKey());
      invalid += e.getKey().get(1).equals("overall") ? (Long) a.get(2) : 0;
    }
    assertEquals(2L * 1, invalid, "the null label, counted once per loss in its window's overall rows");

    List<Row> lateRows = spark.read().format("delta").load(tmp.resolve("late").toString()).collectAsList();
    assertEquals(9, lateRows.size(), "8 late rows and the value that is not JSON");
    assertEquals(1, lateRows.stream().filter(x -> x.isNullAt(x.fieldIndex("ts"))).count());
    assertEquals(late.stream().map(Event::label).sorted().toList(), lateRows.stream()
        .filter(x -> !x.isNullAt(x.fieldIndex("ts"))).map(x -> (Double) x.getAs("label")).sorted().toList());
  }

  /** Under --invalid fail, a value that is not JSON (no event time) and a null label each end the run: exit 2. */
  @Test
  void badValuesFailAsInTheOtherSources(@TempDir Path tmp) throws Exception {
    Event good = new Event(T0 + 5 * MINUTE, "m0", 1.0, 0.5, 1.0);
    broker.createTopic("not-json", 1);
    produce("not-json", List.of(good), "not json at all");
    JobFixtures.Outcome o = JobFixtures.run(args("not-json", tmp.resolve("a"), "fail").toArray(String[]::new));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().contains("1 row(s) have a null --event-time ts"), o.errorLine());

    broker.createTopic("null-label", 1);
    produce("null-label", List.of(good, new Event(T0 + 7 * MINUTE, "m1", null, 0.5, 1.0)));
    o = JobFixtures.run(args("null-label", tmp.resolve("b"), "fail").toArray(String[]::new));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().contains("1 invalid row(s) for loss mse"), o.errorLine());
    assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  /** A topic the broker does not have: exit 2 naming --topic, without waiting out Kafka's default time-outs. */
  @Test
  void aMissingTopicExitsTwoNamingIt(@TempDir Path tmp) {
    List<String> args = args("no-such-topic", tmp, "skip");
    args.addAll(List.of("--kafka-option", "fetchOffset.numRetries=1"));
    long start = System.nanoTime();
    JobFixtures.Outcome o = JobFixtures.run(args.toArray(String[]::new));
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.errorLine().startsWith("error: --topic no-such-topic: no such topic at " + broker.bootstrap()),
        o.errorLine());
    assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(30), "no long wait");
  }
}
