package org.sparklossreport.engine.aggregator;

import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.RowDecoder;

/**
 * The distributed reduce of a {@link LossSet} over input rows: {@code reduce} decodes a row once and
 * updates every loss ({@link SetAggregator}: the buffer, the small {@link LossState} bean, and its merge);
 * subclasses choose what {@code finish} returns.
 */
public abstract class LossSetAggregator<OUT> extends SetAggregator<Row, OUT> {
  private static final long serialVersionUID = 1L;
  private final RowDecoder decoder;

  protected LossSetAggregator(LossSet set, RowDecoder decoder) {
    super(set);
    this.decoder = decoder;
  }

  public RowDecoder decoder() {
    return decoder;
  }

  @Override
  public LossState reduce(LossState state, Row row) {
    return set.add(state, decoder.decode(row));
  }
}
