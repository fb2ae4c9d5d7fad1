package org.sparklossreport.sql;

import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;

/**
 * A {@link TypedImperativeAggregate} written in Java: the two buffer offsets Spark sets while planning, and
 * the copies it asks for; a subclass copies itself with other offsets ({@link #withOffsets}).
 */
abstract class OffsetAggregate<T> extends TypedImperativeAggregate<T> implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  protected final int mutableAggBufferOffset;
  protected final int inputAggBufferOffset;

  OffsetAggregate(int mutableAggBufferOffset, int inputAggBufferOffset) {
    this.mutableAggBufferOffset = mutableAggBufferOffset;
    this.inputAggBufferOffset = inputAggBufferOffset;
  }

  /** This aggregate with these offsets. */
  abstract ImperativeAggregate withOffsets(int mutableAggBufferOffset, int inputAggBufferOffset);

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
}
