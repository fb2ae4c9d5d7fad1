package org.sparklossreport.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.spec.JobSpec;

/** What {@link Delta#sessionConf} gives a session the job starts, and what it refuses in a running one. */
class DeltaSessionTest {
  private static JobSpec spec(String outputFormat, Map<String, String> conf) {
    return JobOptions.build(new java.util.LinkedHashMap<>(Map.of("input", "in", "output", "out", "losses", "mse",
        "output-format", outputFormat, "conf", conf)));
  }

  @Test
  void aNewSessionGetsTheExtensionAndCatalogBesideTheUsersOwn() {
    Map<String, String> conf = Delta.sessionConf(spec("delta", Map.of(Delta.EXTENSIONS, "com.example.Ext")), null);
    assertEquals("com.example.Ext," + Delta.EXTENSION, conf.get(Delta.EXTENSIONS));
    assertEquals(Delta.DELTA_CATALOG, conf.get(Delta.CATALOG));
    assertEquals(Map.of(), Delta.sessionConf(spec("parquet", Map.of()), null), "no Delta, nothing added");
  }

  @Test
  void aRunningSessionWithoutTheExtensionIsAUsageErrorNamingTheSettings() {
    UsageException e = assertThrows(UsageException.class, () -> Delta.sessionConf(spec("delta", Map.of()), ""));
    assertTrue(e.getMessage().startsWith("--output-format delta: the running Spark session was started without")
        && e.getMessage().contains(Delta.EXTENSION) && e.getMessage().contains(Delta.DELTA_CATALOG), e.getMessage());
    assertEquals(Map.of(), Delta.sessionConf(spec("delta", Map.of()), Delta.EXTENSION), "running with it: nothing to add");
  }
}
