package org.sparklossreport.spark;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;

/**
 * Merges {@link LossState}s of one {@link LossSet} into one: how partial states of partitions become
 * the state of a key, and how saved daily states become a weekly one, without the rows.
 *
 * <p>A state that carries a signature ({@link LossState#getSignature()}) of another set fails the merge,
 * naming both. The merged state carries the set's signature, so it can be saved and merged again; the
 * job's engines merge their partial states with {@link #internal}, whose states carry none.
 */
public final class MergeAggregator extends Aggregator<LossState, LossState, LossState> {
  private static final long serialVersionUID = 1L;
  private final LossSet set;
  private final boolean signs;

  /** Merged states carry the set's signature. */
  public MergeAggregator(LossSet set) {
    this(set, true);
  }

  private MergeAggregator(LossSet set, boolean signs) {
    this.set = set;
    this.signs = signs;
  }

  /** For states inside an engine: merged states carry no signature (no string per key). */
  static MergeAggregator internal(LossSet set) {
    return new MergeAggregator(set, false);
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
    return signs ? set.sign(state) : state;
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
