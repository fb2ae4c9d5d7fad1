package org.sparklossreport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * Spark's Kryo serializer with {@link KryoRecords} carries records (it fails without: the failure this
 * guards against, seen as exit 1 of a run with {@code --states} under a cluster's Kryo default), and a new
 * session gets the registrator only under Kryo, after the user's own.
 */
class KryoRecordsTest {
  /** A record as the library's are: final fields, a canonical constructor, a nested value. */
  record Part(String loss, long rows, double[] sums, Part inner) implements java.io.Serializable {}

  private static final String KRYO = "org.apache.spark.serializer.KryoSerializer";

  @Test
  void kryoCarriesRecordsWithTheRegistratorAndNotWithout() {
    Part p = new Part("mse", 3, new double[] {1.5, -2.0}, new Part("mae", 1, new double[0], null));
    SerializerInstance with = new KryoSerializer(new SparkConf().set(KryoRecords.REGISTRATOR, KryoRecords.class.getName()))
        .newInstance();
    Part back = with.deserialize(with.serialize(p, ClassTag$.MODULE$.apply(Part.class)), ClassTag$.MODULE$.apply(Part.class));
    assertEquals(p.loss(), back.loss());
    assertEquals(p.rows(), back.rows());
    assertEquals(-2.0, back.sums()[1]);
    assertEquals("mae", back.inner().loss());

    SerializerInstance without = new KryoSerializer(new SparkConf()).newInstance();
    assertThrows(RuntimeException.class, () -> {
      ByteBuffer b = without.serialize(p, ClassTag$.MODULE$.apply(Part.class));
      without.deserialize(b, ClassTag$.MODULE$.apply(Part.class));
    });
  }

  @Test
  void aNewSessionGetsTheRegistratorOnlyUnderKryoAfterTheUsersOwn() {
    Properties none = new Properties();
    assertNull(KryoRecords.registrators(Map.of(), none));
    assertNull(KryoRecords.registrators(Map.of("spark.serializer", "org.apache.spark.serializer.JavaSerializer"), none));
    assertEquals(KryoRecords.class.getName(), KryoRecords.registrators(Map.of("spark.serializer", KRYO), none));
    Properties submit = new Properties(); // spark-submit --conf: system properties
    submit.setProperty("spark.serializer", KRYO);
    submit.setProperty("spark.kryo.registrator", "com.example.Mine");
    assertEquals("com.example.Mine," + KryoRecords.class.getName(), KryoRecords.registrators(Map.of(), submit));
    assertNull(KryoRecords.registrators(Map.of("spark.kryo.registrator", "com.example.Mine, " + KryoRecords.class.getName()),
        submit));
  }
}
