package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/** {@code run} is the default command: a command line with it does exactly what the same line without it does. */
@SparkTest
class RunCommandTest {
  @Test
  void runExplicitEqualsImplicit(SparkSession spark, @TempDir Path tmp) {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(120, 21, JobFixtures.D1, JobFixtures.D2),
        tmp.resolve("in"), 2);
    List<String> common = List.of("--input", in, "--partition-by", "date,model", "--losses", "mse,huber(delta=1.5)",
        "--weight", "weight", "--ci", "jackknife", "--fail-if", "mse > 1e9", "--fail-if", "overall: mse > 0");
    JobFixtures.Outcome implicit = JobFixtures.run(concat(List.of(), common, "--output", tmp.resolve("a").toString()));
    JobFixtures.Outcome explicit = JobFixtures.run(concat(List.of("run"), common, "--output",
        tmp.resolve("b").toString()));
    assertEquals(3, implicit.code(), implicit::toString); // the second gate fails: the same on both
    assertEquals(implicit.code(), explicit.code(), explicit::toString);
    assertEquals(implicit.err(), explicit.err());
    assertEquals(implicit.out().replaceAll("\\(run [^)]+\\)", "").replace(tmp.resolve("a").toString(), "OUT"),
        explicit.out().replaceAll("\\(run [^)]+\\)", "").replace(tmp.resolve("b").toString(), "OUT"));
    assertEquals(rows(spark, tmp.resolve("a")), rows(spark, tmp.resolve("b")));

    // And their mistakes alike.
    for (List<String> bad : List.of(List.of("--losses", "mse"), List.of("--input", in, "--losses", "hubber",
        "--output", "x"), List.of("--lossses", "mse"))) {
      String once = JobFixtures.usageError(bad.toArray(String[]::new));
      String withRun = JobFixtures.usageError(concat(List.of("run"), bad, new String[0]));
      assertEquals(once.replace("see --help", "see run --help"), withRun);
    }
  }

  /** The report's rows by grouping, keys and loss, without run_id and computed_at. */
  private static Map<String, String> rows(SparkSession spark, Path report) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : spark.read().parquet(report.toString()).drop("run_id", "computed_at").collectAsList()) {
      out.put(r.getAs("grouping") + "|" + r.get(0) + "|" + r.get(1) + "|" + r.getAs("loss"), r.toString());
    }
    return out;
  }

  private static String[] concat(List<String> a, List<String> b, String... c) {
    return java.util.stream.Stream.of(a, b, List.of(c)).flatMap(List::stream).toArray(String[]::new);
  }
}
