package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.UsageException;

/**
 * Which {@code spark.jars} a driver started without spark-submit sets. The tests' classes come from
 * {@code target/classes}, not a jar: there the answer on a cluster master is a usage error (exit 2).
 */
class ApplicationJarTest {
  @Test
  void localModeShipsNothing() {
    assertNull(ApplicationJar.sparkJars("local[*]", Map.of()));
    assertNull(ApplicationJar.sparkJars("local", Map.of()));
  }

  @Test
  void aClusterMasterWithoutAJarSaysWhatToSet() {
    UsageException e = assertThrows(UsageException.class,
        () -> ApplicationJar.sparkJars("spark://127.0.0.1:7077", Map.of()));
    assertTrue(e.getMessage().contains("--master spark://127.0.0.1:7077"), e.getMessage());
    assertTrue(e.getMessage().contains("SPARK_HOME") && e.getMessage().contains("spark.jars=")
        && e.getMessage().contains("mvn package"), e.getMessage());
  }

  @Test
  void aGivenSparkJarsIsTrustedWhenTheClassesAreNotInAJar() {
    assertNull(ApplicationJar.sparkJars("spark://127.0.0.1:7077", Map.of("spark.jars", "/opt/app.jar")));
  }

  @Test
  void theJarOfAClassIsFoundAndADirectoryIsNot() {
    assertNull(ApplicationJar.loadedFrom(Main.class)); // target/classes
    assertTrue(ApplicationJar.loadedFrom(org.apache.spark.sql.SparkSession.class).toString().endsWith(".jar"));
  }
}
