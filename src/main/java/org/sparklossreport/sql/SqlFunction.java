package org.sparklossreport.sql;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One SQL function: its name, what {@code DESCRIBE FUNCTION} shows, and the builder Spark calls with the
 * resolved arguments at analysis.
 *
 * @param usage the usage line, {@code _FUNC_} standing for the name
 * @param group Spark's function group ({@code agg_funcs} or {@code misc_funcs})
 */
record SqlFunction(String name, Class<?> implementation, String usage, String group,
    Function<List<Expression>, Expression> build) {

  FunctionIdentifier id() {
    return FunctionIdentifier.apply(name);
  }

  ExpressionInfo info() {
    return new ExpressionInfo(implementation.getName(), null, name, usage, "", "", "", group, "", "", "java_udf");
  }

  /** The builder as Spark takes it. */
  scala.Function1<Seq<Expression>, Expression> builder() {
    return args -> build.apply(CollectionConverters.asJava(args));
  }
}
