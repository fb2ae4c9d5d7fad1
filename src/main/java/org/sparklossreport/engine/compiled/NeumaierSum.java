package org.sparklossreport.engine.compiled;

import static org.sparklossreport.engine.compiled.Catalyst.attribute;
import static org.sparklossreport.engine.compiled.Catalyst.lit;
import static org.sparklossreport.engine.compiled.Catalyst.pairMerge;
import static org.sparklossreport.engine.compiled.Catalyst.pairPlus;
import static org.sparklossreport.engine.compiled.Catalyst.seq;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.DeclarativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Σ x with Neumaier compensation as a Catalyst aggregate, so that Spark's whole-stage code generation
 * fuses it into the aggregation: buffer (s, c), the same pair as {@code core.Neumaier}, whose functions
 * its update, merge and value call ({@code Neumaier.addForm}, {@code mergeForm}, {@code valueForm}).
 */
public final class NeumaierSum extends DeclarativeAggregate {
  private static final long serialVersionUID = 1L;
  private final Expression child;
  private final AttributeReference sum = attribute("s", DataTypes.DoubleType);
  private final AttributeReference compensation = attribute("c", DataTypes.DoubleType);

  public NeumaierSum(Expression child) {
    this.child = child;
  }

  @Override
  public Seq<AttributeReference> aggBufferAttributes() {
    return seq(List.of(sum, compensation));
  }

  @Override
  public Seq<Expression> initialValues() {
    return seq(lit(0.0), lit(0.0));
  }

  @Override
  public Seq<Expression> updateExpressions() {
    return seq(pairPlus(sum, compensation, child));
  }

  @Override
  public Seq<Expression> mergeExpressions() {
    return seq(pairMerge(sum, compensation, RichAttribute(sum).right(), RichAttribute(compensation).right()));
  }

  @Override
  public Expression evaluateExpression() {
    return Catalyst.pairValue(sum, compensation);
  }

  @Override
  public Seq<Expression> children() {
    return seq(child);
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public DataType dataType() {
    return DataTypes.DoubleType;
  }

  @Override
  public String prettyName() {
    return "neumaier_sum";
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new NeumaierSum(newChildren.apply(0));
  }

  @Override
  public int productArity() {
    return 1;
  }

  @Override
  public Object productElement(int n) {
    if (n != 0) {
      throw new IndexOutOfBoundsException(n);
    }
    return child;
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof NeumaierSum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NeumaierSum n && n.child.equals(child);
  }

  @Override
  public int hashCode() {
    return Objects.hash(NeumaierSum.class, child);
  }
}
