package org.sparklossreport.spark.compiled;

import static org.sparklossreport.spark.compiled.Catalyst.attribute;
import static org.sparklossreport.spark.compiled.Catalyst.lit;
import static org.sparklossreport.spark.compiled.Catalyst.seq;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.DeclarativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Merges {@code Accumulator.Moments} blocks of partial states: each input row is a block (its eight
 * slots as the children), merged into the buffer by the same formula that merges two
 * {@link ShiftedMoments} buffers ({@link ShiftedMoments#merged}). The value is the merged block's eight
 * slots (an array of doubles).
 */
public final class MergedMoments extends DeclarativeAggregate {
  private static final long serialVersionUID = 1L;
  private final Expression[] block;
  private final AttributeReference[] buffer = new AttributeReference[8];

  /** @param block the eight slots of a partial block, none null */
  public MergedMoments(Expression... block) {
    if (block.length != 8) {
      throw new IllegalArgumentException("a moments block has 8 slots, got " + block.length);
    }
    this.block = block.clone();
    String[] names = {"k", "has_k", "w", "w_c", "sum", "sum_c", "squares", "squares_c"};
    for (int i = 0; i < 8; i++) {
      buffer[i] = attribute(names[i], DataTypes.DoubleType);
    }
  }

  @Override
  public Seq<AttributeReference> aggBufferAttributes() {
    return seq(List.of(buffer));
  }

  @Override
  public Seq<Expression> initialValues() {
    Expression[] zeros = new Expression[8];
    Arrays.fill(zeros, lit(0.0));
    return seq(zeros);
  }

  @Override
  public Seq<Expression> updateExpressions() {
    return seq(ShiftedMoments.merged(i -> buffer[i], i -> block[i]));
  }

  @Override
  public Seq<Expression> mergeExpressions() {
    return seq(ShiftedMoments.merged(i -> buffer[i], i -> RichAttribute(buffer[i]).right()));
  }

  @Override
  public Expression evaluateExpression() {
    return ShiftedMoments.value(i -> buffer[i]);
  }

  @Override
  public Seq<Expression> children() {
    return seq(block);
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public DataType dataType() {
    return DataTypes.createArrayType(DataTypes.DoubleType, false);
  }

  @Override
  public String prettyName() {
    return "merged_moments";
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> c) {
    return new MergedMoments(CollectionConverters.asJava(c).toArray(new Expression[0]));
  }

  @Override
  public int productArity() {
    return 8;
  }

  @Override
  public Object productElement(int n) {
    return block[n];
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof MergedMoments;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MergedMoments m && Arrays.equals(m.block, block);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(block) * 31 + MergedMoments.class.hashCode();
  }
}
