package org.sparklossreport.engine.compiled;

import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.engine.VectorSlot;
import org.sparklossreport.state.StateBytes;
import org.sparklossreport.state.StateStruct;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Every loss of a {@link LossSet} as one Catalyst aggregate over Spark's internal rows: the buffer is the
 * {@link LossState} itself, each row is read into a reused {@link LossRow} (a double per scalar slot, a
 * {@code double[]} per vector slot, as the public Aggregator's decoder reads them) and handed to
 * {@link LossSet#add}, so every loss runs its own kernel, vector losses included. Spark's object hash
 * aggregation runs it (falling back to sorting, which spills, with many keys) and merges the partial
 * buffers of partitions with {@link LossSet#merge}.
 *
 * <p>The children are the input slots in order: doubles for scalar slots, {@code array<double>} for
 * vector slots (the compiled engine casts them so). The value is the state as the struct
 * {@link StateStruct#SCHEMA} (no signature: states inside the engines carry none).
 */
public final class StateAggregate extends TypedImperativeAggregate<LossState> implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final Seq<Expression> children;
  private final LossSet set;
  private final Shape[] shapes;
  private final int mutableAggBufferOffset;
  private final int inputAggBufferOffset;
  private transient LossRow row;
  private transient double[][] vectors; // per slot, reused from row to row (kernels keep no row)
  private transient int[] ordinals; // the children's ordinals when all are bound references, else null
  private transient boolean bound;

  public StateAggregate(Seq<Expression> children, LossSet set, Shape[] shapes) {
    this(children, set, shapes, 0, 0);
  }

  public StateAggregate(Seq<Expression> children, LossSet set, Shape[] shapes, int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    this.children = children;
    this.set = set;
    this.shapes = shapes;
    this.mutableAggBufferOffset = mutableAggBufferOffset;
    this.inputAggBufferOffset = inputAggBufferOffset;
  }

  @Override
  public LossState createAggregationBuffer() {
    return set.zero();
  }

  @Override
  public LossState update(LossState state, InternalRow input) {
    if (row == null) {
      row = new LossRow(shapes.length);
      vectors = new double[shapes.length][];
    }
    if (!bound) {
      bound = true;
      ordinals = new int[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        if (!(children.apply(i) instanceof BoundReference b)) {
          ordinals = null;
          break;
        }
        ordinals[i] = b.ordinal();
      }
    }
    for (int i = 0; i < shapes.length; i++) {
      if (ordinals != null) {
        read(i, input, ordinals[i]);
      } else {
        Object v = children.apply(i).eval(input);
        if (v == null) {
          row.setNull(i);
        } else if (shapes[i] == Shape.SCALAR) {
          row.setScalar(i, (Double) v);
        } else {
          vector(i, (ArrayData) v);
        }
      }
    }
    return set.add(state, row);
  }

  /** Slot {@code i} from column {@code at} of the input row. */
  private void read(int i, InternalRow input, int at) {
    if (input.isNullAt(at)) {
      row.setNull(i);
    } else if (shapes[i] == Shape.SCALAR) {
      row.setScalar(i, input.getDouble(at));
    } else {
      vector(i, input.getArray(at));
    }
  }

  /** A vector slot (array<double>, as the compiled engine casts it). */
  private void vector(int i, ArrayData a) {
    VectorSlot.read(row, i, a, false, true, vectors);
  }

  @Override
  public LossState merge(LossState state, LossState other) {
    return set.merge(state, other);
  }

  @Override
  public Object eval(LossState state) {
    return StateStruct.internalRow(state);
  }

  @Override
  public byte[] serialize(LossState state) {
    return StateBytes.encode(state);
  }

  @Override
  public LossState deserialize(byte[] bytes) {
    return StateBytes.decode(bytes);
  }

  @Override
  public int mutableAggBufferOffset() {
    return mutableAggBufferOffset;
  }

  @Override
  public int inputAggBufferOffset() {
    return inputAggBufferOffset;
  }

  @Override
  public ImperativeAggregate withNewMutableAggBufferOffset(int offset) {
    return new StateAggregate(children, set, shapes, offset, inputAggBufferOffset);
  }

  @Override
  public ImperativeAggregate withNewInputAggBufferOffset(int offset) {
    return new StateAggregate(children, set, shapes, mutableAggBufferOffset, offset);
  }

  @Override
  public Seq<Expression> children() {
    return children;
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public DataType dataType() {
    return StateStruct.SCHEMA;
  }

  @Override
  public String prettyName() {
    return "loss_states";
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new StateAggregate(newChildren, set, shapes, mutableAggBufferOffset, inputAggBufferOffset);
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> children;
      case 1 -> set;
      case 2 -> shapes;
      case 3 -> mutableAggBufferOffset;
      case 4 -> inputAggBufferOffset;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof StateAggregate;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateAggregate a && a.children.equals(children) && a.set == set
        && Arrays.equals(a.shapes, shapes) && a.mutableAggBufferOffset == mutableAggBufferOffset
        && a.inputAggBufferOffset == inputAggBufferOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(StateAggregate.class, children, System.identityHashCode(set), Arrays.hashCode(shapes),
        mutableAggBufferOffset, inputAggBufferOffset);
  }
}
