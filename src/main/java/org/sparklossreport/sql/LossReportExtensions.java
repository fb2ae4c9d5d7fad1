package org.sparklossreport.sql;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import scala.Function1;
import scala.Tuple3;
import scala.runtime.BoxedUnit;

/**
 * The losses' SQL functions in every session: set {@code spark.sql.extensions} to this class (with the
 * application jar on the classpath) and each session Spark builds has {@code loss}, {@code loss_outputs},
 * {@code loss_state_agg}, {@code loss_state_merge_agg}, {@code loss_value}, {@code loss_state} and the
 * per-loss shortcuts ({@link SqlFunctions}), and the table function {@code loss_report} (an
 * {@link ExtensionPart} of a higher layer), from SQL, PySpark, Scala, Java and Spark Connect clients alike.
 */
public final class LossReportExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (SqlFunction f : SqlFunctions.all()) {
      extensions.injectFunction(new Tuple3<>(f.id(), f.info(), f.builder()));
    }
    ExtensionPart.all().forEach(p -> p.inject(extensions));
    return BoxedUnit.UNIT;
  }

  /** Registers the same functions in a session already running (built without the extension). */
  public static void register(SparkSession spark) {
    FunctionRegistry registry = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().functionRegistry();
    for (SqlFunction f : SqlFunctions.all()) {
      registry.registerFunction(f.id(), f.info(), f.builder());
    }
    ExtensionPart.all().forEach(p -> p.register(spark));
  }
}
