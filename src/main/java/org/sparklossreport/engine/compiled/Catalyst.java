package org.sparklossreport.engine.compiled;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.sparklossreport.core.Neumaier;
import scala.jdk.javaapi.CollectionConverters;

/** Small builders for Catalyst expressions from Java (double arithmetic, no ANSI overflow checks). */
final class Catalyst {
  private Catalyst() {}

  static scala.collection.immutable.Seq<Expression> seq(Expression... e) {
    return CollectionConverters.asScala(Arrays.asList(e)).toSeq();
  }

  static <T> scala.collection.immutable.Seq<T> seq(List<T> e) {
    return CollectionConverters.asScala(e).toSeq();
  }

  static Literal lit(double v) {
    return Literal.create(v, DataTypes.DoubleType);
  }

  static Literal lit(long v) {
    return Literal.create(v, DataTypes.LongType);
  }

  static Expression plus(Expression a, Expression b) {
    return new Add(a, b, EvalMode.LEGACY());
  }

  static Expression minus(Expression a, Expression b) {
    return new Subtract(a, b, EvalMode.LEGACY());
  }

  static Expression times(Expression a, Expression b) {
    return new Multiply(a, b, EvalMode.LEGACY());
  }

  static Expression when(Expression cond, Expression then, Expression otherwise) {
    return new If(cond, then, otherwise);
  }

  static AttributeReference attribute(String name, DataType type) {
    return new AttributeReference(name, type, false, Metadata.empty(), NamedExpression.newExprId(),
        CollectionConverters.asScala(List.<String>of()).toSeq());
  }

  /** {@code Neumaier.error(a, b)}: a call to the Java function, small code the JIT inlines. */
  static Expression roundingError(Expression a, Expression b) {
    return new StaticInvoke(Neumaier.class, DataTypes.DoubleType, "error", seq(a, b),
        seq(List.<AbstractDataType>of()), false, false, true, scala.Option.empty());
  }

  /** The Neumaier pair (s, c) plus x, as the expressions of the new (s, c): {@code core.Neumaier.add}. */
  static Expression[] pairPlus(Expression s, Expression c, Expression x) {
    return new Expression[] {plus(s, x), plus(c, roundingError(s, x))};
  }

  /** The pair (s, c) plus the pair (s2, c2): {@code core.Neumaier.merge}. */
  static Expression[] pairMerge(Expression s, Expression c, Expression s2, Expression c2) {
    Expression[] sum = pairPlus(s, c, s2);
    return new Expression[] {sum[0], plus(sum[1], c2)};
  }
}
