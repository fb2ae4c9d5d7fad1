package org.sparklossreport.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Session settings changed for one step and put back after it: the job's own planning choices for a
 * single plan (the pass's partitions, the columnar merge without adaptive execution, the report's
 * timestamp type), which must not leak into a notebook's session or into the run's other steps.
 */
public final class SessionSettings {
  private SessionSettings() {}

  /** Runs {@code body} with {@code conf} set on the session, then puts back what was set before. */
  public static <T> T during(SparkSession spark, Map<String, String> conf, Supplier<T> body) {
    Map<String, String> earlier = new LinkedHashMap<>();
    try {
      conf.forEach((k, v) -> {
        earlier.put(k, before(spark, k));
        spark.conf().set(k, v);
      });
      return body.get();
    } finally {
      restore(spark, earlier);
    }
  }

  /** The setting's value on the session, null when it is unset. */
  public static String before(SparkSession spark, String key) {
    return spark.conf().getOption(key).isDefined() ? spark.conf().get(key) : null;
  }

  /** Puts back earlier values (null: unset the setting). */
  public static void restore(SparkSession spark, Map<String, String> earlier) {
    earlier.forEach((k, v) -> {
      if (v == null) {
        spark.conf().unset(k);
      } else {
        spark.conf().set(k, v);
      }
    });
  }
}
