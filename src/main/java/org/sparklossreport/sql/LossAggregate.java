package org.sparklossreport.sql;

import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.engine.aggregator.LossStructAggregator;
import org.sparklossreport.engine.compiled.StateAggregate;
import org.sparklossreport.state.BinaryState;
import org.sparklossreport.state.SavedState;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@code loss}, {@code loss_outputs} and {@code loss_state_agg}: one loss over input rows as a Catalyst
 * aggregate. The rows go through {@link StateAggregate} (the compiled engine's aggregate: each row to
 * {@link LossSet#add}, partial states merged with {@link LossSet#merge}); this class only chooses what the
 * final state becomes ({@link Result}).
 *
 * <p>Children: the spec literal (for the call's SQL text), then the input slots as {@link LossCall} reads
 * them.
 */
public final class LossAggregate extends StateAggregate {
  private static final long serialVersionUID = 1L;

  /** What the state becomes. */
  public enum Result {
    /** The loss's value, a double (null without a contributing row). */
    VALUE,
    /** A struct of every output and the counts ({@link LossStructAggregator#schema}). */
    OUTPUTS,
    /** The state as a {@link BinaryState}. */
    STATE
  }

  private final String function;
  private final Result result;

  public LossAggregate(Seq<Expression> children, LossSet set, Shape[] shapes, String function, Result result,
      int mutableAggBufferOffset, int inputAggBufferOffset) {
    super(children, 1, set, shapes, mutableAggBufferOffset, inputAggBufferOffset);
    this.function = function;
    this.result = result;
  }

  /** The aggregate of a checked call. */
  static LossAggregate of(LossCall call, String function, Result result) {
    java.util.List<Expression> c = new java.util.ArrayList<>();
    c.add(call.spec());
    c.addAll(call.inputs());
    return new LossAggregate(scala.jdk.javaapi.CollectionConverters.asScala(c).toList(), call.set(), call.shapes(),
        function, result, 0, 0);
  }

  @Override
  public Object eval(LossState state) {
    return switch (result) {
      case VALUE -> set.results(state).get(0).value();
      case OUTPUTS -> new GenericInternalRow(LossStructAggregator.values(set, state));
      case STATE -> new BinaryState(set.losses().get(0).loss().savedSpec(), SavedState.of(set, 0, state)).encode();
    };
  }

  @Override
  protected ImperativeAggregate withOffsets(int mutable, int input) {
    return new LossAggregate(children, set, shapes, function, result, mutable, input);
  }

  @Override
  public boolean nullable() {
    return result == Result.VALUE;
  }

  @Override
  public DataType dataType() {
    return switch (result) {
      case VALUE -> DataTypes.DoubleType;
      case OUTPUTS -> LossStructAggregator.schema(set.losses().get(0).loss());
      case STATE -> DataTypes.BinaryType;
    };
  }

  @Override
  public String prettyName() {
    return function;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new LossAggregate(newChildren, set, shapes, function, result, mutableAggBufferOffset,
        inputAggBufferOffset);
  }

  @Override
  protected Object[] fields() {
    return new Object[] {children, set, shapes, function, result, mutableAggBufferOffset, inputAggBufferOffset};
  }

  /** Sets of one signature and slots are equal: equal calls are one aggregate. */
  @Override
  protected Object[] identity() {
    return new Object[] {children, set.stateSignature(), set.slots(), shapes, function, result,
        mutableAggBufferOffset, inputAggBufferOffset};
  }
}
