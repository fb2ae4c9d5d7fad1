package org.sparklossreport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.stream.StreamRows.HOUR;
import static org.sparklossreport.stream.StreamRows.MINUTE;
import static org.sparklossreport.stream.StreamRows.T0;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.api.LossReport;
import org.sparklossreport.stream.StreamRows.Event;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.report.ReportRun;
import org.sparklossreport.testing.SparkTest;

/**
 * The streamed report equals the batch job over the same rows with the window as a key (values 1e-12
 * relative, counts exact), however the rows are split into micro-batches: seeded random splits of dirty,
 * weighted rows (a null label, a NaN prediction: invalid rows skipped and counted), tumbling and sliding
 * windows. Event times trail the latest one by less than the watermark, so no row is late; {@code closed}
 * is checked against the watermark computed here.
 */
@SparkTest
class StreamEqualityTest {
  private static final String LOSSES = "mse,mae,r2,huber(delta=0.5)";

  /*
   * Two splits, one per kind of window; each has 4 micro-batches (cut points of the 300 rows):
   * seed 6, tumbling: [10, 133, 134]: the first batch (2 windows); a batch adding new models to a saved
   * window beside new windows; a batch of 1 row below the latest event time (the watermark does not move)
   * that only merges into a saved key; a batch with saved and new windows and new models in a saved window.
   * seed 13, sliding: [9, 64, 127]: the same kinds of batch, with each row in 2 windows.
   * (Seeds 11 and 12, tumbling, were dropped on 2026-12-06: between them they covered these kinds of batch
   * and no other, and each case is a streaming query of its own, some 15 s.)
   * Such few states are merged and rolled up on the driver; seed 6 again with spark.lossreport.ci.localStates=0
   * takes the way of many states: the join of saved and batch states, the rollup's shuffle.
   */
  @ParameterizedTest
  @CsvSource({"6,60,20000", "13,30,20000", "6,60,0"})
  void everyWindowEqualsTheBatchJobOnRandomMicroBatchSplits(long seed, long slideMinutes, int localStates,
      SparkSession spark, @TempDir Path tmp) throws Exception {
    Random r = new Random(seed);
    List<Event> events = new ArrayList<>();
    int n = 300;
    for (int i = 0; i < n; i++) { // 5 hours; each event at most 20 minutes before its predecessors' latest
      long ts = T0 + i * (5 * HOUR / n) - (long) (r.nextDouble() * 20 * MINUTE);
      Double label = i == 17 ? null : r.nextGaussian();
      Double prediction = i == 41 ? Double.NaN : r.nextGaussian() * 0.5;
      events.add(new Event(ts, "m" + r.nextInt(3), label, prediction, 0.5 + r.nextDouble()));
    }
    TreeSet<Integer> cuts = new TreeSet<>();
    int batches = 2 + r.nextInt(3);
    while (cuts.size() < batches - 1) {
      cuts.add(1 + r.nextInt(n - 1));
    }
    List<List<Event>> files = new ArrayList<>();
    int from = 0;
    for (int c : cuts) {
      files.add(events.subList(from, c));
      from = c;
    }
    files.add(events.subList(from, n));
    String in = StreamRows.write(tmp.resolve("in"), files);
    String out = tmp.resolve("report").toString();
    JobFixtures.Outcome o = JobFixtures.ok("stream", "--input", in, "--input-format", "json", "--input-schema",
        StreamRows.SCHEMA, "--max-files-per-trigger", "1", "--event-time", "ts", "--window", "1 hour", "--slide",
        slideMinutes + " minutes", "--watermark", "30 minutes", "--partition-by", "model", "--losses", LOSSES,
        "--weight", "weight", "--invalid", "skip", "--output", out, "--checkpoint", tmp.resolve("ckpt").toString(),
        "--conf", ReportRun.LOCAL_STATES_CONF + "=" + localStates);
    assertEquals(batches, o.out().lines().filter(l -> l.startsWith("batch ")).count(), o.out());
    assertTrue(o.out().contains(" 0 late row(s)"), o.out());

    Dataset<Row> reference = LossReport.of(StreamRows.windowed(spark, events, HOUR, slideMinutes * MINUTE))
        .partitionBy("window_start", "window_end", "model").groupingSets("window_start,window_end,model;window_start,window_end")
        .weight("weight").losses(LOSSES.split(",(?![^(]*\\))")).invalid("skip").compute();
    Map<List<Object>, List<Object>> expected = StreamRows.byIdentity(reference);
    Dataset<Row> streamed = spark.read().format("delta").load(out);
    Map<List<Object>, List<Object>> actual = StreamRows.byIdentity(streamed, "closed", "late_rows", "window_end");
    assertEquals(new TreeSet<>(expected.keySet().stream().map(Object::toString).toList()),
        new TreeSet<>(actual.keySet().stream().map(Object::toString).toList()));
    long maxTs = events.stream().mapToLong(Event::ts).max().orElseThrow();
    long watermark = maxTs - 30 * MINUTE;
    for (Map.Entry<List<Object>, List<Object>> e : expected.entrySet()) {
      List<Object> a = actual.get(e.getKey());
      Approx.assertClose((Double) e.getValue().get(0), (Double) a.get(0), 1e-12, 0, e.getKey().toString());
      assertEquals(e.getValue().subList(1, 3), a.subList(1, 3), e.getKey().toString());
      long end = ((java.sql.Timestamp) a.get(5)).toInstant().getEpochSecond() * 1_000_000L;
      assertEquals(end <= watermark, a.get(3), "closed of " + e.getKey());
      assertEquals(0L, a.get(4), "late_rows of " + e.getKey());
    }
    assertTrue(actual.values().stream().anyMatch(v -> (Boolean) v.get(3)), "some window closed");
  }

  /**
   * {@code --compare-by} with intervals: each window's rows of another model are compared with the
   * baseline model's row of the same window, as the batch job compares them with the window as a key
   * (value, delta and its interval 1e-12 relative), though the baseline's rows came in another micro-batch.
   */
  @org.junit.jupiter.api.Test
  void comparisonsWithinEachWindowEqualTheBatchJob(SparkSession spark, @TempDir Path tmp) throws Exception {
    Random r = new Random(21);
    List<Event> events = new ArrayList<>();
    int n = 240;
    for (int i = 0; i < n; i++) { // 3 hours in time order; the baseline m0 only in the first half
      long ts = T0 + i * (3 * HOUR / n);
      String model = i < n / 2 ? "m" + r.nextInt(3) : "m" + (1 + r.nextInt(2));
      events.add(new Event(ts, model, r.nextGaussian(), r.nextGaussian() * (model.equals("m0") ? 0.5 : 0.8), 1.0));
    }
    String in = StreamRows.write(tmp.resolve("in"), List.of(events.subList(0, n / 2), events.subList(n / 2, n)));
    String out = tmp.resolve("report").toString();
    JobFixtures.ok("stream", "--input", in, "--input-format", "json", "--input-schema", StreamRows.SCHEMA,
        "--max-files-per-trigger", "1", "--event-time", "ts", "--window", "1 hour", "--watermark", "4 hours",
        "--partition-by", "model", "--losses", "mse,mae", "--ci", "jackknife", "--ci-buckets", "8",
        "--compare-by", "model", "--baseline", "m0", "--output", out, "--checkpoint", tmp.resolve("ckpt").toString());

    Dataset<Row> reference = LossReport.of(StreamRows.windowed(spark, events, HOUR, HOUR))
        .partitionBy("window_start", "window_end", "model").groupingSets("window_start,window_end,model;window_start,window_end")
        .losses("mse", "mae").ci(8, 0.95).compareBy("model", "m0").compute();
    String[] compared = {"baseline_value", "delta", "delta_ci_low", "delta_ci_high", "ci_low"};
    Map<List<Object>, List<Object>> expected = StreamRows.byIdentity(reference, compared);
    Map<List<Object>, List<Object>> actual = StreamRows.byIdentity(spark.read().format("delta").load(out), compared);
    assertEquals(expected.keySet(), actual.keySet());
    long deltas = 0;
    for (Map.Entry<List<Object>, List<Object>> e : expected.entrySet()) {
      List<Object> a = actual.get(e.getKey());
      assertEquals(e.getValue().subList(1, 3), a.subList(1, 3), e.getKey().toString());
      for (int i : new int[] {0, 3, 4, 5, 6, 7}) {
        Double x = (Double) e.getValue().get(i);
        Double y = (Double) a.get(i);
        if (x == null || y == null) {
          assertEquals(x, y, e.getKey() + " column " + i);
        } else {
          Approx.assertClose(x, y, 1e-12, 1e-15, e.getKey() + " column " + i);
        }
      }
      deltas += e.getValue().get(4) == null ? 0 : 1;
    }
    // windows 0 and 1 hold m0 (all in the first micro-batch): m1 and m2 compared there, for 2 losses
    assertEquals(8, deltas, "compared rows: " + deltas);
  }
}
