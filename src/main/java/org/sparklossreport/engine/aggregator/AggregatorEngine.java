package org.sparklossreport.engine.aggregator;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.Engine;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.engine.RowDecoder;

/**
 * The {@code aggregator} engine: the public typed {@link StateAggregator} in {@code groupBy(keys).agg(...)},
 * every loss on every input. Spark decodes each row into a {@code Row} through an encoder, which costs
 * more than the arithmetic of several losses; it is the reference the other engines are tested against.
 */
public final class AggregatorEngine implements Engine {
  public static final AggregatorEngine INSTANCE = new AggregatorEngine();

  private AggregatorEngine() {}

  @Override
  public String name() {
    return "aggregator";
  }

  @Override
  public Dataset<Row> states(Dataset<Row> input, List<String> keys, List<InputSlot> slots, LossSet set) {
    StructType slotSchema = new StructType(slots.stream()
        .map(s -> ColumnTypes.find(input.schema(), s.column())).toArray(StructField[]::new));
    Column state = functions.udaf(new StateAggregator(set, new RowDecoder(slots)), Encoders.row(slotSchema))
        .apply(slots.stream().map(s -> functions.col(ColumnTypes.quote(s.column()))).toArray(Column[]::new))
        .as("state");
    Column[] keyCols = keys.stream().map(k -> functions.col(ColumnTypes.quote(k))).toArray(Column[]::new);
    return keys.isEmpty() ? input.agg(state) : input.groupBy(keyCols).agg(state);
  }
}
