package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures.Outcome;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * Values beyond the double range, on every engine (spec/job.md, "Report"): reported as NumPy float64
 * gives them (±Infinity), never null while {@code rows > 0}; where NumPy gives NaN (∞/∞, ∞ − ∞) the value
 * is null and the group's rows are counted under the invalid reason {@code overflow}, which
 * {@code --invalid fail} stops on. Expected values: {@code golden/overflow/expected.tsv}, made by
 * {@code make_overflow.py} beside it with NumPy.
 */
@SparkTest
class OverflowTest {
  private static final StructType SCHEMA = new StructType().add("model", DataTypes.StringType)
      .add("y", DataTypes.DoubleType).add("p", DataTypes.DoubleType);

  /** Rows of a case, as data.csv gives them. */
  private static List<Row> data(String useCase) throws IOException {
    List<Row> out = new ArrayList<>();
    for (String line : resource("data.csv")) {
      String[] f = line.split(",");
      if (f[0].equals(useCase)) {
        out.add(RowFactory.create(f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
      }
    }
    return out;
  }

  /** "group|loss" → NumPy's value, for a case. */
  private static Map<String, Double> expected(String useCase) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : resource("expected.tsv")) {
      String[] f = line.split("\t");
      if (f[0].equals(useCase)) {
        out.put(f[1] + "|" + f[2], parse(f[3]));
      }
    }
    return out;
  }

  private static double parse(String repr) {
    return switch (repr) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(repr);
    };
  }

  private static List<String> resource(String name) throws IOException {
    try (InputStream in = OverflowTest.class.getResourceAsStream("/golden/overflow/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("#") && !l.startsWith("case")).toList();
    }
  }

  private static String losses(Map<String, Double> expected) {
    return String.join(",", expected.keySet().stream().map(k -> k.substring(k.indexOf('|') + 1))
        .filter(l -> !l.matches("\\w+\\..*")).distinct().toList()); // not the extra outputs
  }

  private static Outcome run(SparkSession spark, Path tmp, String useCase, String engine, String policy)
      throws IOException {
    String in = tmp.resolve("in").toString();
    spark.createDataFrame(data(useCase), SCHEMA).coalesce(1).write().mode("overwrite").parquet(in);
    return JobFixtures.run("--input", in, "--output", tmp.resolve("report").toString(), "--label", "y",
        "--prediction", "p", "--partition-by", "model", "--losses", losses(expected(useCase)), "--invalid", policy,
        "--conf", ReportPlan.ENGINE_CONF + "=" + engine);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"huge_terms,auto", "huge_terms,columnar", "huge_terms,compiled", "huge_terms,aggregator",
      "sum_overflow,auto", "sum_overflow,columnar", "sum_overflow,compiled", "sum_overflow,aggregator"})
  void valuesAreNumpysAndUndefinedOnesAreCountedAsOverflow(String useCase, String engine, SparkSession spark,
      @TempDir Path tmp) throws IOException {
    Outcome o = run(spark, tmp, useCase, engine, "skip");
    assertEquals(0, o.code(), o::toString);
    Map<String, Long> inputRows = new LinkedHashMap<>();
    for (Row r : data(useCase)) {
      inputRows.merge(r.getString(0), 1L, Long::sum);
      inputRows.merge("ALL", 1L, Long::sum);
    }
    Map<String, Row> report = new LinkedHashMap<>();
    for (Row r : spark.read().parquet(tmp.resolve("report").toString()).collectAsList()) {
      String group = r.getAs("grouping").equals(ReportRows.OVERALL) ? "ALL" : r.getAs("model");
      report.put(group + "|" + r.getAs("loss"), r);
    }
    Map<String, Double> expected = expected(useCase);
    assertEquals(new java.util.TreeSet<>(expected.keySet()), new java.util.TreeSet<>(report.keySet()));
    expected.forEach((k, numpy) -> {
      Row r = report.get(k);
      long n = inputRows.get(k.substring(0, k.indexOf('|')));
      Double value = r.getAs("value");
      long rows = r.<Long>getAs("rows");
      long invalid = r.<Long>getAs("invalid_rows");
      assertEquals(n, rows + invalid, () -> k + ": rows + invalid_rows: " + r);
      if (Double.isNaN(numpy)) {
        assertNull(value, () -> k + ": NumPy gives nan, the report " + r);
        assertEquals(0, rows, () -> k + ": " + r);
        assertEquals("overflow=" + n, r.getAs("invalid_reasons"), () -> k + ": " + r);
        assertEquals(0.0, (double) r.<Double>getAs("weight_sum"), () -> k + ": " + r);
      } else {
        assertNotNull(value, () -> k + ": NumPy gives " + numpy + ", the report " + r);
        assertEquals(n, rows, () -> k + ": " + r);
        assertNull(r.getAs("invalid_reasons"), () -> k + ": " + r);
        if (Double.isInfinite(numpy)) {
          assertEquals(numpy, value, () -> k + ": " + r);
        } else {
          Approx.assertClose(numpy, value, 1e-12, 0, k);
        }
      }
    });
  }

  /** Under fail, an undefined value stops the run naming the loss, the reason and an example key. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"auto", "compiled", "aggregator"})
  void failStopsOnOverflow(String engine, SparkSession spark, @TempDir Path tmp) throws IOException {
    Outcome o = run(spark, tmp, "huge_terms", engine, "fail");
    assertEquals(2, o.code(), o::toString);
    String line = o.errorLine();
    assertTrue(line.contains("loss r2") && line.contains("overflow") && line.contains("model=a"), line);
  }

  /** Infinite values are values: fail does not stop on them. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"columnar", "compiled"})
  void failAcceptsInfiniteValues(String engine, SparkSession spark, @TempDir Path tmp) throws IOException {
    Outcome o = run(spark, tmp, "sum_overflow", engine, "fail");
    assertEquals(0, o.code(), o::toString);
    Row mae = spark.read().parquet(tmp.resolve("report").toString())
        .where("grouping = 'overall' and loss = 'mae'").first();
    assertEquals(Double.POSITIVE_INFINITY, (double) mae.<Double>getAs("value"));
  }
}
