package org.sparklossreport.engine.aggregator;

import org.apache.spark.sql.Encoder;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.RowDecoder;
import org.sparklossreport.state.StateStruct;

/**
 * Reduces rows to the {@link LossState} itself: what the job keeps per key, merges for coarser groupings
 * and turns into report lines, and what can be saved and merged later without re-reading the rows. The
 * state it returns carries the set's signature ({@link LossSet#stateSignature()}), so it says what made it and
 * merges only with states of the same losses, parameters and input forms.
 */
public final class StateAggregator extends LossSetAggregator<LossState> {
  private static final long serialVersionUID = 1L;

  public StateAggregator(LossSet set, RowDecoder decoder) {
    super(set, decoder);
  }

  @Override
  public LossState finish(LossState state) {
    return set.sign(state);
  }

  @Override
  public Encoder<LossState> outputEncoder() {
    return StateStruct.ENCODER;
  }
}
