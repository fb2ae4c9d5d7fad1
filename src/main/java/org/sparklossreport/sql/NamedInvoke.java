package org.sparklossreport.sql;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A per-row call of a method of a serializable function object ({@link StateValue}, {@link TableState}),
 * as Spark's {@code Invoke} (code generation included), that shows in SQL and in column names as the
 * function it implements: {@code loss_value(s)}, not the object's call.
 */
public final class NamedInvoke extends Invoke {
  private static final long serialVersionUID = 1L;

  /** A function object it calls: serializable (Spark ships it to the executors), named as in SQL. */
  public abstract static class Target implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String sqlName;

    protected Target(String sqlName) {
      this.sqlName = sqlName;
    }

    public final String sqlName() {
      return sqlName;
    }
  }

  /** Invoke's own parameters (Spark copies nodes through this constructor). */
  public NamedInvoke(Expression targetObject, String functionName, DataType dataType, Seq<Expression> arguments,
      Seq<AbstractDataType> methodInputTypes, boolean propagateNull, boolean returnNullable,
      boolean isDeterministic) {
    super(targetObject, functionName, dataType, arguments, methodInputTypes, propagateNull, returnNullable,
        isDeterministic);
  }

  @Override
  public String prettyName() {
    return ((Target) ((Literal) targetObject()).value()).sqlName();
  }

  /** Also its SQL text ({@code Invoke.sql} is this with attributes shown by name). */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(prettyName()).append('(');
    String sep = "";
    for (Expression a : scala.jdk.javaapi.CollectionConverters.asJava(arguments())) {
      b.append(sep).append(a.sql());
      sep = ", ";
    }
    return b.append(')').toString();
  }

  @Override
  public Invoke withNewChildrenInternal(IndexedSeq<Expression> c) {
    return new NamedInvoke(c.head(), functionName(), dataType(), c.drop(1).toList(), methodInputTypes(),
        propagateNull(), returnNullable(), isDeterministic());
  }
}
