package org.sparklossreport.engine.aggregator;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.RowDecoder;

/**
 * One loss as an {@code Aggregator} returning a struct of every output by name, then the counts:
 * {@code value}, the extra outputs (e.g. {@code mean_gradient}, {@code gradient_norm}), {@code rows},
 * {@code invalid_rows}, {@code weight_sum}.
 */
public final class LossStructAggregator extends LossSetAggregator<Row> {
  private static final long serialVersionUID = 1L;

  public LossStructAggregator(LossSet set, RowDecoder decoder) {
    super(set, decoder);
  }

  /** The struct type for {@code loss}. */
  public static StructType schema(Loss loss) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("value", DataTypes.DoubleType, true));
    for (String extra : loss.extraOutputs()) {
      fields.add(DataTypes.createStructField(extra, DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField("rows", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("invalid_rows", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("weight_sum", DataTypes.DoubleType, false));
    return DataTypes.createStructType(fields);
  }

  @Override
  public Row finish(LossState state) {
    return RowFactory.create(values(set, state));
  }

  /** The struct's values for the one loss of {@code set}: every output, then the counts ({@link #schema}). */
  public static Object[] values(LossSet set, LossState state) {
    List<LossResult> results = set.results(state);
    Object[] values = new Object[results.size() + 3];
    for (int i = 0; i < results.size(); i++) {
      values[i] = results.get(i).value();
    }
    LossResult first = results.get(0);
    values[results.size()] = first.rows();
    values[results.size() + 1] = first.invalidRows();
    values[results.size() + 2] = first.weightSum();
    return values;
  }

  @Override
  public Encoder<Row> outputEncoder() {
    return Encoders.row(schema(set.losses().get(0).loss()));
  }
}
