package org.sparklossreport.engine.compiled;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
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
 * {@link StateStruct#SCHEMA} (no signature: states inside the engines carry none). A subclass (SQL's
 * {@code loss}) may put children of its own before the input slots and make the final state another value.
 */
public class StateAggregate extends OffsetAggregate<LossState> {
  private static final long serialVersionUID = 1L;
  protected final Seq<Expression> children;
  protected final LossSet set;
  protected final Shape[] shapes;
  private final int first; // the child of input slot 0
  private transient LossRow row;
  private transient double[][] vectors; // per slot, reused from row to row (kernels keep no row)
  private transient int[] ordinals; // the children's ordinals when all are bound references, else null
  private transient boolean bound;

  public StateAggregate(Seq<Expression> children, LossSet set, Shape[] shapes) {
    this(children, set, shapes, 0, 0);
  }

  public StateAggregate(Seq<Expression> children, LossSet set, Shape[] shapes, int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    this(children, 0, set, shapes, mutableAggBufferOffset, inputAggBufferOffset);
  }

  /** For a subclass whose input slots are the children from {@code first} on (those before are its own). */
  protected StateAggregate(Seq<Expression> children, int first, LossSet set, Shape[] shapes,
      int mutableAggBufferOffset, int inputAggBufferOffset) {
    super(mutableAggBufferOffset, inputAggBufferOffset);
    this.children = children;
    this.first = first;
    this.set = set;
    this.shapes = shapes;
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
        if (!(children.apply(first + i) instanceof BoundReference b)) {
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
        Object v = children.apply(first + i).eval(input);
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
  protected ImperativeAggregate withOffsets(int mutable, int input) {
    return new StateAggregate(children, set, shapes, mutable, input);
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
  protected Object[] fields() {
    return new Object[] {children, set, shapes, mutableAggBufferOffset, inputAggBufferOffset};
  }
}
