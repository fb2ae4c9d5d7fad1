package org.sparklossreport.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * JVM options for the short-lived JVMs the integration tests start (job processes, spark-submit's launcher,
 * standalone daemons): the quick JIT tier only and the serial collector. A job JVM of the tests lives
 * seconds and handles a few thousand rows, so C2 compilations and the parallel collector's threads cost
 * more CPU than they save (measured: about half the CPU time of a small embedded job run). They change
 * nothing a test checks, only how fast the JVM gets there.
 */
public final class ColdJvm {
  private ColdJvm() {}

  /** The options, as one string. */
  public static final String OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  /**
   * Sets {@code JAVA_TOOL_OPTIONS} in the environment of a process about to start, so that every JVM it
   * starts (the script's java, spark-submit's launcher and driver, a worker's executors) uses
   * {@link #OPTIONS}. Each such JVM notes it on its standard error ("Picked up JAVA_TOOL_OPTIONS: ...").
   * Also {@code SLR_CDS=off}: the scripts neither make nor use a class-data archive, whose dump after a
   * first run takes half a minute or more (ClassDataArchiveIT turns it back on to test it).
   */
  public static void quickStart(Map<String, String> env) {
    env.put("JAVA_TOOL_OPTIONS", OPTIONS);
    env.put("SLR_CDS", "off");
  }

  /**
   * A process of the project's scripts as the integration tests start them: in {@code root}, standard output
   * and error to files, embedded (no {@code SPARK_HOME}), on 127.0.0.1, with {@link #quickStart}.
   */
  public static ProcessBuilder script(Path root, List<String> cmd, Path out, Path err) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    quickStart(pb.environment());
    return pb;
  }
}
