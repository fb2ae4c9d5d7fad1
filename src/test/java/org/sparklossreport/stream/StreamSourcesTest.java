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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.api.LossReport;
import org.sparklossreport.stream.StreamRows.Event;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * The file-table sources besides JSON: a Delta table appended to between two {@code available-now} runs on
 * one checkpoint, and a Parquet directory that receives a second file between them. The second run reads
 * only the new rows (its log line says how many), and the report equals the batch job over all rows with the
 * window as a key (values 1e-12 relative, counts exact).
 */
@SparkTest
class StreamSourcesTest {
  private static final String LOSSES = "mse,mae";

  @ParameterizedTest
  @ValueSource(strings = {"delta", "parquet"})
  void aGrowingTableIsReadOnceAndItsWindowsEqualTheBatchJob(String format, SparkSession spark, @TempDir Path tmp)
      throws Exception {
    Random r = new Random(format.hashCode());
    List<Event> first = new ArrayList<>();
    List<Event> second = new ArrayList<>();
    for (int i = 0; i < 90; i++) { // 3 hours in time order, the last third arriving later
      Event e = new Event(T0 + i * (3 * HOUR / 90), "m" + r.nextInt(2), r.nextGaussian(), r.nextGaussian(), 1.0);
      (i < 60 ? first : second).add(e);
    }
    String json = StreamRows.write(tmp.resolve("json"), List.of(first, second));
    String in = tmp.resolve("in").toString();
    append(spark, json + "/part-000.json", in, format);
    List<String> args = List.of("stream", "--input", in, "--input-format", format, "--event-time", "ts", "--window",
        "1 hour", "--watermark", "30 minutes", "--partition-by", "model", "--losses", LOSSES,
        "--output", tmp.resolve("report").toString(), "--checkpoint", tmp.resolve("ckpt").toString());
    JobFixtures.Outcome one = JobFixtures.ok(args.toArray(String[]::new));
    assertTrue(one.out().contains("batch 0: 60 input row(s)"), one.out());
    append(spark, json + "/part-001.json", in, format);
    JobFixtures.Outcome two = JobFixtures.ok(args.toArray(String[]::new));
    assertTrue(two.out().contains("batch 1: 30 input row(s)"), two.out());
    assertEquals(1, two.out().lines().filter(l -> l.startsWith("batch ")).count(), two.out());

    List<Event> all = new ArrayList<>(first);
    all.addAll(second);
    Dataset<Row> reference = LossReport.of(StreamRows.windowed(spark, all, HOUR, HOUR))
        .partitionBy("window_start", "window_end", "model").groupingSets("window_start,window_end,model;window_start,window_end")
        .losses(LOSSES.split(",")).compute();
    Map<List<Object>, List<Object>> expected = StreamRows.byIdentity(reference);
    Map<List<Object>, List<Object>> actual = StreamRows.byIdentity(spark.read().format("delta").load(args.get(
        args.indexOf("--output") + 1)));
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<List<Object>, List<Object>> e : expected.entrySet()) {
      List<Object> a = actual.get(e.getKey());
      Approx.assertClose((Double) e.getValue().get(0), (Double) a.get(0), 1e-12, 0, e.getKey().toString());
      assertEquals(e.getValue().subList(1, 3), a.subList(1, 3), e.getKey().toString());
    }
  }

  /** Appends the rows of a JSON file to the table at {@code path} (a Delta commit, or one more Parquet file). */
  private static void append(SparkSession spark, String jsonFile, String path, String format) {
    spark.read().schema(StreamRows.SCHEMA).json(jsonFile).coalesce(1).write().format(format).mode("append").save(path);
  }
}
