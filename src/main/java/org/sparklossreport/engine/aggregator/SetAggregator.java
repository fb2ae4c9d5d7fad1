package org.sparklossreport.engine.aggregator;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.expressions.Aggregator;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.StateStruct;

/**
 * A typed Spark {@code Aggregator} whose buffer is the {@link LossState} of a {@link LossSet}: {@code zero}
 * is the empty state, {@code merge} adds states ({@link LossSet#merge}). Subclasses say how an input joins
 * the buffer ({@code reduce}) and what {@code finish} returns.
 */
public abstract class SetAggregator<IN, OUT> extends Aggregator<IN, LossState, OUT> {
  private static final long serialVersionUID = 1L;
  protected final LossSet set;

  protected SetAggregator(LossSet set) {
    this.set = set;
  }

  public LossSet lossSet() {
    return set;
  }

  @Override
  public LossState zero() {
    return set.zero();
  }

  @Override
  public LossState merge(LossState a, LossState b) {
    return set.merge(a, b);
  }

  @Override
  public Encoder<LossState> bufferEncoder() {
    return StateStruct.ENCODER;
  }
}
