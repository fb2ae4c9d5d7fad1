package org.sparklossreport.engine.aggregator;

import org.apache.spark.sql.Encoder;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.StateStruct;

/**
 * Merges {@link LossState}s of one {@link LossSet} into one: how partial states of partitions become
 * the state of a key, and how saved daily states become a weekly one, without the rows.
 *
 * <p>A state that carries a signature ({@link LossState#getSignature()}) of another set fails the merge,
 * naming both. The merged state carries the set's signature, so it can be saved and merged again
 * ({@code LossFunctions.mergeStates}). The job's engines do not use it: the columnar engine merges its
 * partial states after a sort ({@code columnar.PartialMerge}), with the same {@link LossSet#merge}.
 */
public final class MergeAggregator extends SetAggregator<LossState, LossState> {
  private static final long serialVersionUID = 1L;

  /** Merged states carry the set's signature. */
  public MergeAggregator(LossSet set) {
    super(set);
  }

  @Override
  public LossState reduce(LossState buffer, LossState state) {
    return set.merge(buffer, state);
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
