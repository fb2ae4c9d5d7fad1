package org.sparklossreport.engine.compiled;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.sparklossreport.core.Calls;
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

  /**
   * Core's rules as Catalyst expressions ({@link Calls}): each call a {@code StaticInvoke} of the Java
   * function on primitives, which the generated code calls directly (no boxing, a small method the JIT
   * inlines) and the interpreted {@code eval} calls by reflection.
   */
  static final Calls<Expression> CALLS = (owner, function, args) -> new StaticInvoke(owner,
      resultType(owner, function), function, seq(args), seq(List.<AbstractDataType>of()), false, false, true,
      scala.Option.empty());

  /** The Catalyst type of what {@code owner.function} returns: its only public static method of that name. */
  private static DataType resultType(Class<?> owner, String function) {
    Method found = null;
    for (Method m : owner.getMethods()) {
      if (m.getName().equals(function) && Modifier.isStatic(m.getModifiers())) {
        if (found != null) {
          throw new IllegalArgumentException(owner.getName() + "." + function + " is overloaded");
        }
        found = m;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("no public static " + owner.getName() + "." + function);
    }
    Class<?> r = found.getReturnType();
    if (r == double.class) {
      return DataTypes.DoubleType;
    }
    if (r == int.class) {
      return DataTypes.IntegerType;
    }
    if (r == byte.class) {
      return DataTypes.ByteType;
    }
    throw new IllegalArgumentException(owner.getName() + "." + function + " returns " + r);
  }

  /** The Neumaier pair (s, c) plus x, as the expressions of the new (s, c): {@code core.Neumaier.add}. */
  static Expression[] pairPlus(Expression s, Expression c, Expression x) {
    return Neumaier.addForm(CALLS, s, c, x).toArray(new Expression[0]);
  }

  /** The pair (s, c) plus the pair (s2, c2): {@code core.Neumaier.merge}. */
  static Expression[] pairMerge(Expression s, Expression c, Expression s2, Expression c2) {
    return Neumaier.mergeForm(CALLS, s, c, s2, c2).toArray(new Expression[0]);
  }

  /** The value of the pair (s, c): {@code core.Neumaier.value}. */
  static Expression pairValue(Expression s, Expression c) {
    return Neumaier.valueForm(CALLS, s, c);
  }
}
