package org.sparklossreport.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.SparkTest;

/** A tiny run of the benchmark: it works and ends with its RESULT line (timings are never asserted). */
@SparkTest
class LossBenchmarkTest {
  @Test
  void tinyRunPrintsResultLineAndPassesItsAccuracyCheck(SparkSession spark, @TempDir Path dir) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LossBenchmark.run(spark, 2000, 5, 1, dir.toString(), true, java.util.List.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.matches("RESULT rows=2000 keys=5 floor_s=\\S+ arith_s=\\S+ suite_s=\\S+ handwritten_s=\\S+ "
        + "ours_overall_s=\\S+ mllib_onepass_s=\\S+ mllib_evaluate_s=\\S+ arith_vs_floor=\\S+ "
        + "suite_vs_handwritten=\\S+ mllib_onepass_vs_ours=\\S+ mllib_evaluate_vs_ours=\\S+"), last);
    String worst = out.lines().filter(l -> l.startsWith("accuracy: worst")).findFirst().orElseThrow();
    double err = Double.parseDouble(worst.substring(worst.lastIndexOf('=') + 1).trim());
    assertTrue(err <= 1e-12, worst);
  }
}
