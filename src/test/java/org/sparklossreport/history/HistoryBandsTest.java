package org.sparklossreport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.SparkTest;

/**
 * {@link HistoryBands} in Spark on small report tables: the golden bands of {@code make_history_golden.py}
 * reached through the join (earlier rows shuffled, a later night present), stored flags honoured,
 * reruns re-entering, rows without the history key, too short histories, and the injected jumps of
 * {@link DetectionTest} found per key.
 */
@SparkTest
class HistoryBandsTest {
  private static final LocalDate DAY0 = LocalDate.of(2026, 1, 1);
  private final SparkSession spark;

  HistoryBandsTest(SparkSession spark) {
    this.spark = spark;
  }

  /** Report rows (date, model, grouping, loss, value, std_error, anomaly, expected) with every other column. */
  private Dataset<Row> report(List<Object[]> rows) {
    StructType schema = ReportRows.schema(List.of(DataTypes.createStructField("date", DataTypes.DateType, true),
        DataTypes.createStructField("model", DataTypes.StringType, true)));
    schema = schema.add("anomaly", DataTypes.BooleanType, true).add("expected", DataTypes.DoubleType, true);
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r[0], r[1], r[2], r[3], r[4], 10L, 0L, null, 10.0, null, r[5], null, null, null,
          null, null, null, null, "run", new java.sql.Timestamp(0), r[6], r[7]));
    }
    return spark.createDataFrame(out, schema);
  }

  private static Object[] row(int day, String model, double value, Double se, Boolean anomaly) {
    return new Object[] {Date.valueOf(DAY0.plusDays(day)), model, model == null ? "date" : "date,model", "mse",
        value, se, anomaly, null};
  }

  private static Map<String, Object> bands(Dataset<Row> annotated) {
    Row r = annotated.collectAsList().get(0);
    Map<String, Object> out = new java.util.HashMap<>();
    for (String c : HistoryColumns.NAMES) {
      out.put(c, r.get(r.fieldIndex(c)));
    }
    return out;
  }

  private static double d(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void goldenBandsThroughTheJoin() throws IOException {
    double[] y = BandsGoldenTest.series().get(7); // 28 values, stored as judged no anomaly
    List<Object[]> earlier = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      earlier.add(row(i, "m", y[i], null, false));
    }
    earlier.add(row(40, "m", 99.0, null, null)); // a later night: not history of night 28
    earlier.add(row(5, "other", 99.0, null, null)); // another series
    Collections.shuffle(earlier, new Random(1));
    List<String> golden = BandsGoldenTest.lines("bands.tsv");
    int checked = 0;
    for (String line : golden.subList(1, golden.size())) {
      String[] f = line.split("\t");
      if (!f[0].equals("7")) {
        continue;
      }
      HistorySpec spec = new HistorySpec("DATE", 28, 7, BandMethod.parse(f[1]), 3, 0.1, false, List.of());
      Dataset<Row> tonight = report(List.<Object[]>of(row(28, "m", Double.parseDouble(f[5]),
          Double.parseDouble(f[6]), null)));
      Map<String, Object> b = bands(HistoryBands.annotate(tonight, report(earlier), List.of("date", "model"), spec));
      String what = f[1] + " " + f[5];
      assertEquals(Double.parseDouble(f[3]), d(b.get("expected")), 1e-9, what);
      assertEquals(Double.parseDouble(f[7]), d(b.get("band_low")), 1e-9, what);
      assertEquals(Double.parseDouble(f[8]), d(b.get("band_high")), 1e-9, what);
      assertEquals(Double.parseDouble(f[9]), d(b.get("z")), 1e-9, what);
      assertEquals(Boolean.parseBoolean(f[10]), b.get("anomaly"), what);
      assertEquals(28, b.get("history_n"), what);
      assertEquals(f[2], b.get("band_method"), what);
      checked++;
    }
    assertEquals(12, checked);
  }

  @Test
  void storedAnomaliesStayOutUnlessKeptAndAFixedRerunReEnters() {
    List<Object[]> earlier = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      earlier.add(row(i, "m", 1.0 + 0.01 * (i % 3), null, false));
    }
    Object[] bad = row(10, "m", 50.0, null, true);
    earlier.add(bad);
    Dataset<Row> tonight = report(List.<Object[]>of(row(11, "m", 1.5, null, null)));
    List<String> keys = List.of("date", "model");
    HistorySpec spec = HistorySpec.of("date");
    Map<String, Object> out = bands(HistoryBands.annotate(tonight, report(earlier), keys, spec));
    assertEquals(10, out.get("history_n"));
    assertEquals(true, out.get("anomaly"));
    assertTrue(d(out.get("expected")) < 1.1);

    HistorySpec keep = new HistorySpec("date", 28, 7, BandMethod.NORMAL, 3, 0.1, true, List.of());
    Map<String, Object> kept = bands(HistoryBands.annotate(tonight, report(earlier), keys, keep));
    assertEquals(11, kept.get("history_n"));
    assertFalse((Boolean) kept.get("anomaly"), "50 in the history widens the band past 1.5");

    earlier.set(earlier.indexOf(bad), row(10, "m", 1.01, null, false)); // night 10 rerun on fixed data
    assertEquals(11, bands(HistoryBands.annotate(tonight, report(earlier), keys, spec)).get("history_n"));
  }

  @Test
  void unflaggedEarlierNightsAreJudgedOnTheWay() {
    List<Object[]> earlier = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      earlier.add(row(i, "m", 1.0 + 0.01 * (i % 3), null, null)); // written without history: no flags
    }
    earlier.add(row(10, "m", 50.0, null, null));
    Map<String, Object> out = bands(HistoryBands.annotate(report(List.<Object[]>of(row(11, "m", 1.0, null, null))),
        report(earlier), List.of("date", "model"), HistorySpec.of("date")));
    assertEquals(10, out.get("history_n"), "night 10 is an anomaly against nights 0-9, so it stays out");
  }

  @Test
  void rowsWithoutTheKeyOrWithTooShortAHistory() {
    List<Object[]> earlier = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      earlier.add(row(i, "m", 1.0, null, false));
    }
    Object[] overall = {null, null, ReportRows.OVERALL, "mse", 1.0, null, null, null};
    Dataset<Row> tonight = report(List.of(row(5, "m", 9.0, null, null), row(5, "new", 9.0, null, null), overall));
    List<Row> out = HistoryBands.annotate(tonight, report(earlier), List.of("date", "model"), HistorySpec.of("date"))
        .orderBy(functions.col("model").asc_nulls_last()).collectAsList();
    Row m = out.get(0);
    assertEquals(5, (int) m.getAs("history_n"));
    assertNull(m.getAs("expected"));
    assertEquals(false, m.getAs("anomaly"));
    assertEquals(0, (int) out.get(1).getAs("history_n"));
    for (String c : HistoryColumns.NAMES) {
      assertNull(out.get(2).getAs(c), c + " of the overall row");
    }
    assertEquals(3, HistoryBands.annotate(tonight, null, List.of("date", "model"), HistorySpec.of("date")).count());
  }

  @Test
  void aColumnThatIsNoKeyIsTheUsersMistake() {
    UsageException e = assertThrows(UsageException.class, () -> HistoryBands.annotate(report(List.of()), null,
        List.of("date", "model"), HistorySpec.of("day")));
    assertTrue(e.getMessage().contains("--history-by day"), e.getMessage());
  }

  /** 500 keys × 60 nights of N(0, 1), jumps of ±5 on the last night of every fifth key. */
  @Test
  void injectedJumpsAreFoundPerKey() {
    Random random = new Random(32);
    List<Object[]> earlier = new ArrayList<>();
    List<Object[]> tonight = new ArrayList<>();
    for (int key = 0; key < 500; key++) {
      for (int i = 0; i < 59; i++) {
        earlier.add(row(i, "k" + key, random.nextGaussian(), null, null));
      }
      double jump = key % 5 == 0 ? (key % 10 == 0 ? 5 : -5) : 0;
      tonight.add(row(59, "k" + key, random.nextGaussian() + jump, null, null));
    }
    List<Row> out = HistoryBands.annotate(report(tonight), report(earlier), List.of("date", "model"),
        HistorySpec.of("date")).where("anomaly").collectAsList();
    long found = out.stream().filter(r -> Integer.parseInt(r.<String>getAs("model").substring(1)) % 5 == 0).count();
    long falsePositives = out.size() - found;
    // 100 jumps, P(found) ≈ 0.97 each (DetectionTest): at least 90 (P(fewer) < 0.01); 400 null keys at
    // ≈ 1.4 % each: ≈ 6 expected, at most 16 (> 4 sd above).
    assertTrue(found >= 90, "found " + found + " of 100 jumps");
    assertTrue(falsePositives <= 16, falsePositives + " false positives of 400");
  }
}
