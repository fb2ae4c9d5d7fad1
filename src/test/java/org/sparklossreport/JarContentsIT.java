package org.sparklossreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application jar ({@code target/spark-loss-report.jar}, after {@code package}) carries the job and
 * nothing of the tests or the benchmarks: no class of {@code src/test/java} or {@code src/bench/java} (both
 * compile into {@code target/test-classes}), no {@code bench/} package, no {@code FaultInjection}.
 */
class JarContentsIT {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")))
      .toAbsolutePath().normalize();
  private static final Path JAR = ROOT.resolve("target/spark-loss-report.jar");
  private static final Path TEST_CLASSES = ROOT.resolve("target/test-classes");

  private static List<String> files() throws IOException {
    assertTrue(Files.isRegularFile(JAR), "no application jar: " + JAR + " (run mvn package)");
    try (JarFile jar = new JarFile(JAR.toFile())) {
      return jar.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).sorted().toList();
    }
  }

  @Test
  void theJarHoldsTheJob() throws IOException {
    List<String> files = files();
    assertTrue(files.contains("org/sparklossreport/cli/Main.class"), "no Main in " + JAR);
    assertTrue(files.contains("org/sparklossreport/api/LossReportJob.class"), "no LossReportJob in " + JAR);
  }

  @Test
  void theExtensionFindsLossReportInTheJar() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      JarEntry services = jar.getJarEntry("META-INF/services/org.sparklossreport.sql.ExtensionPart");
      assertTrue(services != null, "no service file for sql.ExtensionPart in " + JAR);
      String named = new String(jar.getInputStream(services).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals("org.sparklossreport.sql.report.ReportExtension", named.trim());
      assertTrue(jar.getJarEntry("org/sparklossreport/sql/report/ReportExtension.class") != null, named);
    }
  }

  @Test
  void noBenchmarkOrFaultInjectionInTheJar() throws IOException {
    List<String> leaked = files().stream()
        .filter(f -> f.startsWith("org/sparklossreport/bench/") || f.contains("FaultInjection")).toList();
    assertEquals(List.of(), leaked, "benchmark or test-only classes in " + JAR);
  }

  @Test
  void noTestOrBenchmarkClassInTheJar() throws IOException {
    assertTrue(Files.isDirectory(TEST_CLASSES.resolve("org/sparklossreport/bench")),
        "the benchmarks are not compiled with the tests into " + TEST_CLASSES);
    Set<String> testClasses;
    try (Stream<Path> s = Files.walk(TEST_CLASSES)) {
      testClasses = s.filter(p -> p.toString().endsWith(".class"))
          .map(p -> TEST_CLASSES.relativize(p).toString().replace('\\', '/')).collect(Collectors.toSet());
    }
    assertTrue(testClasses.size() > 10, "too few classes in " + TEST_CLASSES + ": " + testClasses);
    List<String> leaked = files().stream().filter(testClasses::contains).toList();
    assertEquals(List.of(), leaked, "classes of src/test/java or src/bench/java in " + JAR);
  }
}
