package org.sparklossreport.sql;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.sparklossreport.engine.compiled.OffsetAggregate;
import org.sparklossreport.state.BinaryState;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@code loss_state_merge_agg(state)}: binary states ({@link BinaryState}) merged into one, null when the
 * group holds no state (null states are skipped, as SQL aggregates skip nulls). The loss is read from the
 * states themselves, so the buffer starts empty and takes the loss of the first state it sees.
 */
public final class MergeStatesAggregate extends OffsetAggregate<MergedState> {
  private static final long serialVersionUID = 1L;
  static final String NAME = "loss_state_merge_agg";

  private final Expression child;
  private transient StateSets sets;

  public MergeStatesAggregate(Expression child, int mutableAggBufferOffset, int inputAggBufferOffset) {
    super(mutableAggBufferOffset, inputAggBufferOffset);
    this.child = child;
  }

  @Override
  public MergedState createAggregationBuffer() {
    return new MergedState();
  }

  @Override
  public MergedState update(MergedState buffer, InternalRow input) {
    Object v = child.eval(input);
    return v == null ? buffer : buffer.add(NAME, read((byte[]) v));
  }

  /** A binary state as a buffer; the set of the last spec read is reused (a group's states share one). */
  private MergedState read(byte[] bytes) {
    BinaryState b = BinaryState.decode(bytes);
    if (sets == null) {
      sets = new StateSets();
    }
    return new MergedState(sets.of(b), b);
  }

  @Override
  public MergedState merge(MergedState buffer, MergedState other) {
    return buffer.add(NAME, other);
  }

  @Override
  public Object eval(MergedState buffer) {
    return buffer.isEmpty() ? null : buffer.toBinary().encode();
  }

  @Override
  public byte[] serialize(MergedState buffer) {
    return buffer.isEmpty() ? new byte[0] : buffer.toBinary().encode();
  }

  @Override
  public MergedState deserialize(byte[] bytes) {
    return bytes.length == 0 ? new MergedState() : read(bytes);
  }

  @Override
  protected ImperativeAggregate withOffsets(int mutable, int input) {
    return new MergeStatesAggregate(child, mutable, input);
  }

  @Override
  public Seq<Expression> children() {
    return scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.of(child)).toList();
  }

  @Override
  public boolean nullable() {
    return true;
  }

  @Override
  public DataType dataType() {
    return DataTypes.BinaryType;
  }

  @Override
  public String prettyName() {
    return NAME;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new MergeStatesAggregate(newChildren.apply(0), mutableAggBufferOffset, inputAggBufferOffset);
  }

  @Override
  protected Object[] fields() {
    return new Object[] {child, mutableAggBufferOffset, inputAggBufferOffset};
  }
}
