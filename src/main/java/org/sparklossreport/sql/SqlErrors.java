package org.sparklossreport.sql;

import org.apache.spark.QueryContext;
import org.apache.spark.sql.AnalysisException;
import scala.Option;

/**
 * The analysis errors of the SQL functions: an {@link AnalysisException} (as Spark's own functions fail
 * at analysis) whose message names the call and what was expected. Thrown from builders that Java sees as
 * unchecked, hence the declared {@code RuntimeException}: callers write {@code throw SqlErrors.analysis(..)}.
 */
public final class SqlErrors {
  private SqlErrors() {}

  /** Throws an {@link AnalysisException} with {@code message} as it is (no error class). */
  public static RuntimeException analysis(String message, Throwable cause) {
    return SqlErrors.<RuntimeException>raise(new AnalysisException(message, Option.empty(), Option.empty(),
        Option.apply(cause), Option.empty(), scala.collection.immutable.Map$.MODULE$.empty(), new QueryContext[0]));
  }

  public static RuntimeException analysis(String message) {
    return analysis(message, null);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException raise(Throwable t) throws T {
    throw (T) t;
  }
}
