package org.sparklossreport.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cold benchmark's arithmetic and command lines (no Spark, no processes). */
class ColdBenchmarkTest {
  @Test
  void resultLineCarriesMediansAndTheRatioPerShapeInOrder() {
    Map<String, Double> m = ColdBenchmark.medians(Map.of(
        "keys_job", List.of(9.0, 3.0, 6.0), "keys_hand", List.of(2.0, 4.0, 3.0),
        "arith_job", List.of(5.0, 1.0, 2.0, 4.0), "arith_hand", List.of(2.0)));
    assertEquals(6.0, m.get("keys_job"));
    assertEquals(3.0, m.get("arith_job")); // even count: mean of the middle two
    assertEquals("RESULT cold repeat=3 keys_job_s=6.000 keys_hand_s=3.000 cold_job_vs_hand_keys=2.00"
            + " arith_job_s=3.000 arith_hand_s=2.000 cold_job_vs_hand_arith=1.50",
        ColdBenchmark.resultLine(3, List.of("keys", "arith"), m));
  }

  @Test
  void cdsLineCarriesTheFirstRunTheArchiveAndEachShapeWithoutIt() {
    Map<String, Double> m = Map.of("arith_job", 6.0, "arith_nocds", 10.0, "arith_hand", 8.0);
    assertEquals("RESULT cds first_run_s=42.500 archive_mb=170 arith_nocds_s=10.000 cold_nocds_vs_hand_arith=1.25"
        + " cold_job_vs_nocds_arith=0.60", ColdBenchmark.cdsLine(42.5, 169.6, List.of("arith"), m));
  }

  @Test
  void theJobRunsFromTheBenchmarksArchiveDirectoryNocdsWithoutAndTheHandJobUntouched() {
    java.io.File dir = new java.io.File("/b/cold-cds");
    assertEquals(Map.of("SLR_CDS_DIR", "/b/cold-cds"), ColdBenchmark.env("job", null, dir));
    assertEquals(Map.of("SLR_CDS", "off"), ColdBenchmark.env("nocds", null, dir));
    assertEquals(Map.of("SLR_JAR", "old.jar", "SLR_CDS_DIR", "/b/cold-cds"), ColdBenchmark.env("base", "old.jar", dir));
    assertEquals(Map.of(), ColdBenchmark.env("hand", null, dir));
  }

  @Test
  void bothChildrenGetTheSameHeapAndTheJobRunsThroughSubmitLossReport() {
    ColdBenchmark.Launcher l = new ColdBenchmark.Launcher(Path.of("/p"), "/jdk/bin/java",
        List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false"), "a.jar:b.jar");
    assertEquals(List.of("/p/submit/loss-report", "--input", "in", "--partition-by", "key", "--losses", "mse",
        "--output", "out", "--mode", "overwrite", "--driver-memory", "4g"), l.job("in", "out", "mse"));
    assertEquals(List.of("/jdk/bin/java", "-Xmx4g", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-Djdk.reflect.useDirectMethodHandle=false", "-Dlog4j2.configurationFile=file:/p/conf/log4j2.properties",
        "-cp", "a.jar:b.jar", "org.sparklossreport.bench.HandJob", "--shape", "keys", "--input", "in", "--output",
        "out", "--master", "local[*]"), l.hand("keys", "in", "out"));
  }

  @Test
  void sizesScaleRowsAndTheKeysOfKeysAndNameThePaths() {
    assertEquals("table-20000000-100", ColdData.size("arith", 1).name()); // the warm benchmark's table
    assertEquals("keys-4000000-200000", ColdData.size("keys", 1).name());
    assertEquals("vectors-1000000-24", ColdData.size("vectors", 1).name());
    assertEquals("keys-200000-10000", ColdData.size("keys", 0.05).name());
    assertEquals("table-1000000-100", ColdData.size("arith", 0.05).name());
  }
}
