package org.sparklossreport.engine.compiled;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;

/**
 * A {@link TypedImperativeAggregate} written in Java: the two buffer offsets Spark sets while planning, the
 * copies it asks for ({@link #withOffsets}), and what a Scala case class would generate, from
 * {@link #fields}: the product elements, equality and hash code.
 */
public abstract class OffsetAggregate<T> extends TypedImperativeAggregate<T> implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  protected final int mutableAggBufferOffset;
  protected final int inputAggBufferOffset;

  protected OffsetAggregate(int mutableAggBufferOffset, int inputAggBufferOffset) {
    this.mutableAggBufferOffset = mutableAggBufferOffset;
    this.inputAggBufferOffset = inputAggBufferOffset;
  }

  /** This aggregate with these offsets. */
  protected abstract ImperativeAggregate withOffsets(int mutableAggBufferOffset, int inputAggBufferOffset);

  /** The constructor's arguments in its order, the offsets last: the product elements. */
  protected abstract Object[] fields();

  /** What equality and the hash code compare (arrays by content): the fields unless a subclass says. */
  protected Object[] identity() {
    return fields();
  }

  @Override
  public final int mutableAggBufferOffset() {
    return mutableAggBufferOffset;
  }

  @Override
  public final int inputAggBufferOffset() {
    return inputAggBufferOffset;
  }

  @Override
  public final ImperativeAggregate withNewMutableAggBufferOffset(int offset) {
    return withOffsets(offset, inputAggBufferOffset);
  }

  @Override
  public final ImperativeAggregate withNewInputAggBufferOffset(int offset) {
    return withOffsets(mutableAggBufferOffset, offset);
  }

  @Override
  public final int productArity() {
    return fields().length;
  }

  @Override
  public final Object productElement(int n) {
    Object[] fields = fields();
    if (n < 0 || n >= fields.length) {
      throw new IndexOutOfBoundsException(n);
    }
    return fields[n];
  }

  @Override
  public final boolean canEqual(Object that) {
    return that != null && that.getClass() == getClass();
  }

  @Override
  public final boolean equals(Object o) {
    return canEqual(o) && Arrays.deepEquals(((OffsetAggregate<?>) o).identity(), identity());
  }

  /** {@code Objects.hash} of the class and the identity, arrays hashed by content. */
  @Override
  public final int hashCode() {
    Object[] identity = identity();
    Object[] all = new Object[identity.length + 1];
    all[0] = getClass();
    System.arraycopy(identity, 0, all, 1, identity.length);
    return Arrays.deepHashCode(all);
  }
}
