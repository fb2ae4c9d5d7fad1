package org.sparklossreport.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.UsageException;

/**
 * The application jar for a driver that {@link Main#session} starts itself (not spark-submit) on a
 * master whose executors run in JVMs of their own: they need the job's classes, which spark-submit would
 * have shipped. Without them every task fails to deserialize its plan.
 */
final class ApplicationJar {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationJar.class);

  private ApplicationJar() {}

  /**
   * The {@code spark.jars} to set for a new session on {@code master}, or null to leave it as it is: in
   * local mode ({@code local}, {@code local[N]}), under spark-submit, or when {@code spark.jars} already
   * names the jar. Otherwise the jar the job's classes were loaded from, added to the {@code spark.jars}
   * given. Classes loaded from a directory (no jar) with no {@code spark.jars} given are a usage error that
   * says what to set.
   */
  static String sparkJars(String master, Map<String, String> conf) {
    if (master.equals("local") || master.startsWith("local[")
        || System.getProperty("spark.submit.deployMode") != null) { // set by spark-submit, which ships the jar
      return null;
    }
    String given = conf.getOrDefault("spark.jars", System.getProperty("spark.jars", "")).trim();
    Path jar = loadedFrom(Main.class);
    if (jar == null) {
      if (!given.isEmpty()) {
        return null; // the user's spark.jars: trusted to hold the job's classes
      }
      throw new UsageException("--master " + master + " runs the driver here, without spark-submit, and the"
          + " executors need the application jar, but the job's classes were not loaded from a jar ("
          + location(Main.class) + "): build it (mvn package -DskipTests, target/spark-loss-report.jar) and run"
          + " with it on the classpath, or set SPARK_HOME to run through spark-submit, or set"
          + " --conf spark.jars=PATH/spark-loss-report.jar");
    }
    for (String entry : given.split(",")) {
      if (!entry.isBlank() && sameFile(entry.trim(), jar)) {
        return null;
      }
    }
    LOG.info("Driver outside spark-submit on {}: shipping the application jar {} to the executors (spark.jars)",
        master, jar);
    return given.isEmpty() ? jar.toString() : given + "," + jar;
  }

  /** The jar {@code c} was loaded from, or null (a directory of classes, or unknown). */
  static Path loadedFrom(Class<?> c) {
    try {
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      Path p = cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI());
      return p != null && Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar") ? p : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static String location(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    return cs == null || cs.getLocation() == null ? "location unknown" : "loaded from " + cs.getLocation();
  }

  /** Whether an entry of {@code spark.jars} (a path or a {@code file:} URI) is {@code jar}. */
  private static boolean sameFile(String entry, Path jar) {
    try {
      Path p = entry.startsWith("file:") ? Path.of(URI.create(entry)) : Path.of(entry);
      return Files.exists(p) && Files.isSameFile(p, jar);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
