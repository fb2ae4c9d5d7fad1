package org.sparklossreport.output;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.spec.JobSpec;

/**
 * What a Spark session needs for Delta Lake input or output: Delta's SQL extension and catalog. A session
 * the job starts gets them unless {@code --conf} sets those keys; a running session (a notebook's) must
 * have been started with them, since Spark cannot add an extension to a running session.
 */
public final class Delta {
  public static final String EXTENSIONS = "spark.sql.extensions";
  static final String EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  static final String CATALOG = "spark.sql.catalog.spark_catalog";
  static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private Delta() {}

  /**
   * The Spark configuration of the job's session: {@code --conf}, plus Delta's extension and catalog when
   * the job uses Delta and starts its own session. Exit 2 when Delta is not on the classpath, or when the
   * running session ({@code runningExtensions} is its {@code spark.sql.extensions}, "" when unset; null
   * when there is none) lacks Delta's extension: Delta refuses to read or write there, and Spark cannot add
   * an extension to a running session.
   */
  public static Map<String, String> sessionConf(JobSpec spec, String runningExtensions) {
    return sessionConf(spec.inputFormat(), spec.outputFormat(), spec.sparkConf(), runningExtensions);
  }

  /** {@link #sessionConf(JobSpec, String)} for a run reading {@code inputFormat} and writing {@code outputFormat}. */
  public static Map<String, String> sessionConf(String inputFormat, String outputFormat, Map<String, String> sparkConf,
      String runningExtensions) {
    boolean existingSession = runningExtensions != null;
    if (!inputFormat.equals("delta") && !outputFormat.equals("delta")) {
      return sparkConf;
    }
    try {
      Class.forName(EXTENSION, false, Delta.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new UsageException((inputFormat.equals("delta") ? "--input-format" : "--output-format")
          + " delta needs Delta Lake on the classpath: spark-submit --packages io.delta:delta-spark_2.13:4.0.0"
          + " (or --jars with delta-spark and delta-storage)");
    }
    if (existingSession && !runningExtensions.contains(EXTENSION)) {
      throw new UsageException((inputFormat.equals("delta") ? "--input-format" : "--output-format")
          + " delta: the running Spark session was started without Delta's extension; start it with "
          + EXTENSIONS + "=" + EXTENSION + " and " + CATALOG + "=" + DELTA_CATALOG);
    }
    Map<String, String> conf = new LinkedHashMap<>(sparkConf);
    if (!existingSession) {
      String ext = conf.getOrDefault(EXTENSIONS, System.getProperty(EXTENSIONS)); // spark-submit's --conf
      if (ext == null || !ext.contains(EXTENSION)) {
        conf.put(EXTENSIONS, ext == null ? EXTENSION : ext + "," + EXTENSION);
      }
      if (System.getProperty(CATALOG) == null) {
        conf.putIfAbsent(CATALOG, DELTA_CATALOG);
      }
    }
    return conf;
  }
}
