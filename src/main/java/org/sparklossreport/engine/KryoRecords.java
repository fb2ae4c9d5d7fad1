package org.sparklossreport.engine;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.util.Map;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer ({@code spark.serializer=org.apache.spark.serializer.KryoSerializer}, common
 * in cluster defaults) carry this library's records: Kryo 4's field serializer cannot read a record's fields
 * ("can't get field offset on a record class"), so a run whose task results or shuffles hold records (a
 * summary's partial states, say) failed under Kryo. Every record goes by Java serialization, which the
 * library's classes support; everything else stays with Kryo.
 */
public final class KryoRecords implements KryoRegistrator {
  /** Spark's option naming the registrators, a comma-separated list. */
  public static final String REGISTRATOR = "spark.kryo.registrator";
  private static final String SERIALIZER = "spark.serializer";

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.addDefaultSerializer(Record.class, new JavaSerializer());
  }

  /**
   * The registrators a new session needs given its {@code conf} and the JVM's system properties (where
   * spark-submit puts its {@code --conf}): with Kryo, the ones set there plus this one; null when the session
   * does not use Kryo or already has it.
   */
  public static String registrators(Map<String, String> conf, java.util.Properties system) {
    String serializer = conf.getOrDefault(SERIALIZER, system.getProperty(SERIALIZER, ""));
    if (!serializer.trim().endsWith("KryoSerializer")) {
      return null;
    }
    String set = conf.getOrDefault(REGISTRATOR, system.getProperty(REGISTRATOR, "")).trim();
    if (java.util.Arrays.stream(set.split(",")).map(String::trim).anyMatch(KryoRecords.class.getName()::equals)) {
      return null;
    }
    return set.isEmpty() ? KryoRecords.class.getName() : set + "," + KryoRecords.class.getName();
  }
}
