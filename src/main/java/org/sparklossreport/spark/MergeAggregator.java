package org.sparklossreport.spark;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;

/**
 * Merges {@link LossState}s of one {@link LossSet} into one: how partial states of partitions become
 * the state of a key, and how saved daily states become a weekly one, without the rows.
 */
public final class MergeAggregator extends Aggregator<LossState, LossState, LossState> {
  private static final long serialVersionUID = 1L;
  private final LossSet set;

  public MergeAggregator(LossSet set) {
    this.set = set;
  }

  @Override
  public LossState zero() {
    return set.zero();
  }

  @Override
  public LossState reduce(LossState buffer, LossState state) {
    return set.merge(buffer, state);
  }

  @Override
  public LossState merge(LossState a, LossState b) {
    return set.merge(a, b);
  }

  @Override
  public LossState finish(LossState state) {
    return state;
  }

  @Override
  public Encoder<LossState> bufferEncoder() {
    return Encoders.bean(LossState.class);
  }

  @Override
  public Encoder<LossState> outputEncoder() {
    return Encoders.bean(LossState.class);
  }
}
