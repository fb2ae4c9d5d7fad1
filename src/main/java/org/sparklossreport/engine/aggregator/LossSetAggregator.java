package org.sparklossreport.engine.aggregator;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.RowDecoder;

/**
 * The distributed reduce of a {@link LossSet} over input rows: {@code zero} is the empty state, {@code
 * reduce} decodes a row once and updates every loss, {@code merge} adds states. The buffer is the small
 * {@link LossState} bean; subclasses choose what {@code finish} returns.
 */
public abstract class LossSetAggregator<OUT> extends Aggregator<Row, LossState, OUT> {
  private static final long serialVersionUID = 1L;

  protected final LossSet set;
  private final RowDecoder decoder;

  protected LossSetAggregator(LossSet set, RowDecoder decoder) {
    this.set = set;
    this.decoder = decoder;
  }

  public LossSet lossSet() {
    return set;
  }

  public RowDecoder decoder() {
    return decoder;
  }

  @Override
  public LossState zero() {
    return set.zero();
  }

  @Override
  public LossState reduce(LossState state, Row row) {
    return set.add(state, decoder.decode(row));
  }

  @Override
  public LossState merge(LossState a, LossState b) {
    return set.merge(a, b);
  }

  @Override
  public Encoder<LossState> bufferEncoder() {
    return Encoders.bean(LossState.class);
  }
}
