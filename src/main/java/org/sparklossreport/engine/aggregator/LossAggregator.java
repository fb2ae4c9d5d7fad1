package org.sparklossreport.engine.aggregator;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.RowDecoder;

/**
 * One loss as a typed Spark {@code Aggregator} whose result is one of its outputs as a double (the value
 * by default): null when no row contributed, never NaN. Built by {@code LossFunctions}.
 */
public final class LossAggregator extends LossSetAggregator<Double> {
  private static final long serialVersionUID = 1L;
  private final int output;

  public LossAggregator(LossSet set, RowDecoder decoder, int output) {
    super(set, decoder);
    this.output = output;
  }

  @Override
  public Double finish(LossState state) {
    return set.results(state).get(output).value();
  }

  @Override
  public Encoder<Double> outputEncoder() {
    return Encoders.DOUBLE();
  }
}
