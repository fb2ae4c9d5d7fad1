package org.sparklossreport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.stream.StreamRows.HOUR;
import static org.sparklossreport.stream.StreamRows.MINUTE;
import static org.sparklossreport.stream.StreamRows.T0;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.api.LossReport;
import org.sparklossreport.stream.StreamRows.Event;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * Two micro-batches: the first closes the window 00:00–01:00 (its latest event 01:50, watermark 30 minutes),
 * the second brings 3 rows of that window (late), a row without event time, and later rows. The late rows
 * are counted in the window's {@code late_rows}, written to {@code --late-output} with their columns, and
 * not added: the window's values stay the batch job's over its on-time rows. The window's states, saved to
 * {@code --states} as it closed, roll up to the batch job's report over its rows; its gates are checked once
 * (exit 3, a {@code gate failed:} line naming the window, JSON lines in {@code --gates-output}).
 */
@SparkTest
class LateRowsTest {
  private static final String LOSSES = "mse,mae";

  @Test
  void lateRowsAreCountedAndWrittenAndClosedWindowsAreFinal(SparkSession spark, @TempDir Path tmp) throws Exception {
    Random r = new Random(7);
    List<Event> first = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      first.add(new Event(T0 + 5 * MINUTE + i * (105 * MINUTE / 40), "m" + (i % 2), r.nextGaussian(), r.nextGaussian(), 1.0));
    }
    List<Event> late = List.of(new Event(T0 + 30 * MINUTE, "m0", 10.0, 0.0, 1.0),
        new Event(T0 + 31 * MINUTE, "m1", 20.0, 0.0, 1.0), new Event(T0 + 32 * MINUTE, "m0", 30.0, 0.0, 1.0));
    List<Event> second = new ArrayList<>(late);
    second.add(new Event(null, "m1", 1.0, 1.0, 1.0));
    for (int i = 0; i < 10; i++) {
      second.add(new Event(T0 + 2 * HOUR + i * MINUTE, "m" + (i % 2), r.nextGaussian(), r.nextGaussian(), 1.0));
    }
    String in = StreamRows.write(tmp.resolve("in"), List.of(first, second));
    String out = tmp.resolve("report").toString();
    String states = tmp.resolve("states").toString();
    String lateOut = tmp.resolve("late").toString();
    Path gates = tmp.resolve("gates.jsonl");
    JobFixtures.Outcome o = JobFixtures.run("stream", "--input", in, "--input-format", "json", "--input-schema",
        StreamRows.SCHEMA, "--max-files-per-trigger", "1", "--event-time", "ts", "--window", "1 hour", "--watermark",
        "30 minutes", "--partition-by", "model", "--losses", LOSSES, "--invalid", "skip", "--output", out,
        "--checkpoint", tmp.resolve("ckpt").toString(), "--states", states, "--late-output", lateOut,
        "--fail-if", "overall: mse > 0", "--fail-if", "mse > 1e9", "--gates-output", gates.toString());
    assertEquals(3, o.code(), o.toString());
    assertTrue(o.err().contains("gate failed: overall: mse > 0") && o.err().contains("window starting 2026-12-01T00:00:00Z"),
        o.err());
    assertTrue(o.out().contains("batch 1: 14 input row(s)") && o.out().contains("3 late row(s), 1 without event time"),
        o.out());

    List<Event> window0 = first.stream().filter(e -> e.ts() < T0 + HOUR).toList();
    Dataset<Row> reference = LossReport.of(StreamRows.windowed(spark, window0, HOUR, HOUR))
        .partitionBy("window_start", "window_end", "model").groupingSets("window_start,window_end,model;window_start,window_end")
        .losses(LOSSES.split(",")).compute();
    Map<List<Object>, List<Object>> expected = StreamRows.byIdentity(reference);
    Map<List<Object>, List<Object>> actual = StreamRows.byIdentity(
        spark.read().format("delta").load(out).where("window_start = timestamp'2026-12-01 00:00:00Z'"), "closed", "late_rows");
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<List<Object>, List<Object>> e : expected.entrySet()) {
      List<Object> a = actual.get(e.getKey());
      Approx.assertClose((Double) e.getValue().get(0), (Double) a.get(0), 1e-12, 0, e.getKey().toString());
      assertEquals(e.getValue().subList(1, 3), a.subList(1, 3));
      assertEquals(List.of(true, 3L), a.subList(3, 5), e.getKey().toString());
    }

    // the checkpoint keeps open windows' states only: 00:00 closed in batch 0 and 01:00 is still open
    List<Row> held = spark.read().format("delta").load(tmp.resolve("ckpt").resolve("lossreport").resolve("windows")
        .toString()).select("window_start").distinct().orderBy("window_start").collectAsList();
    assertEquals(List.of(new java.sql.Timestamp(T0 / 1000 + 3_600_000), new java.sql.Timestamp(T0 / 1000 + 7_200_000)),
        held.stream().map(x -> x.getTimestamp(0)).toList());

    List<Row> lateRows = spark.read().format("delta").load(lateOut).orderBy("label").collectAsList();
    assertEquals(List.of(1.0, 10.0, 20.0, 30.0), lateRows.stream().map(x -> (Double) x.getAs("label")).toList());
    assertTrue(lateRows.stream().allMatch(x -> ((Long) x.getAs("batch_id")) == 1L));
    assertTrue(lateRows.get(0).isNullAt(lateRows.get(0).fieldIndex("window_start")), "no event time, no window");

    List<String> lines = Files.readAllLines(gates);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"passed\":false") && lines.get(1).contains("\"passed\":true"), lines.toString());

    String rolled = tmp.resolve("rollup").toString();
    JobFixtures.ok("rollup", "--states", states, "--grouping-sets", "model;overall", "--output", rolled);
    Dataset<Row> nightly = LossReport.of(StreamRows.windowed(spark, window0, HOUR, HOUR)).partitionBy("model")
        .losses(LOSSES.split(",")).compute();
    assertSameValues(nightly, spark.read().parquet(rolled));
  }

  private static void assertSameValues(Dataset<Row> expected, Dataset<Row> actual) {
    Map<String, Row> a = new java.util.HashMap<>();
    actual.collectAsList().forEach(x -> a.put(x.getAs("grouping") + "/" + x.getAs("model") + "/" + x.getAs("loss"), x));
    List<Row> e = expected.collectAsList();
    assertEquals(e.size(), a.size());
    for (Row x : e) {
      Row y = a.get(x.getAs("grouping") + "/" + x.getAs("model") + "/" + x.getAs("loss"));
      Approx.assertClose((Double) x.getAs("value"), (Double) y.getAs("value"), 1e-12, 0, x.toString());
      assertEquals((Long) x.getAs("rows"), (Long) y.getAs("rows"));
    }
  }
}
