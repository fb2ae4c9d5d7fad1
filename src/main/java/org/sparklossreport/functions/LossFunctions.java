package org.sparklossreport.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.engine.RowDecoder;
import org.sparklossreport.engine.aggregator.LossAggregator;
import org.sparklossreport.engine.aggregator.LossSetAggregator;
import org.sparklossreport.engine.aggregator.LossStructAggregator;
import org.sparklossreport.engine.aggregator.MergeAggregator;
import org.sparklossreport.engine.aggregator.StateAggregator;
import org.sparklossreport.sql.LossReportExtensions;
import org.sparklossreport.state.StateStruct;

/**
 * The losses as Spark aggregators, columns and SQL functions.
 *
 * <pre>{@code
 * Loss huber = Losses.parse("huber(delta=1.5)");
 * df.groupBy("model").agg(LossFunctions.column(huber, df, "label", "prediction"));
 * LossFunctions.register(spark);   // then: SELECT model, mse(label, prediction) FROM t GROUP BY model
 * }</pre>
 *
 * <p>Columns are checked on the driver: a missing column or a type that does not fit the loss fails here,
 * with the column and the expected types in the message, before any data is read.
 */
public final class LossFunctions {
  private LossFunctions() {}

  /** The value of {@code loss} over {@code label} and {@code prediction} of {@code schema}, unit weights. */
  public static LossAggregator aggregator(Loss loss, StructType schema, String label, String prediction) {
    return aggregator(loss, schema, label, prediction, null, 0);
  }

  /**
   * Output {@code output} (0 = value, then the extra outputs in order) of {@code loss}; {@code weight}
   * may be null for unit weights.
   */
  public static LossAggregator aggregator(Loss loss, StructType schema, String label, String prediction,
      String weight, int output) {
    if (output < 0 || output > loss.extraOutputs().size()) {
      throw new LossSpecException(loss.canonical() + ": no output " + output + "; outputs: value"
          + (loss.extraOutputs().isEmpty() ? "" : ", " + String.join(", ", loss.extraOutputs())));
    }
    Bound b = bind(loss, schema, label, prediction, weight);
    return new LossAggregator(b.set, b.decoder, output);
  }

  /** Every output of {@code loss} with its counts, as a struct (see {@link LossStructAggregator}). */
  public static LossStructAggregator structAggregator(Loss loss, StructType schema, String label,
      String prediction, String weight) {
    Bound b = bind(loss, schema, label, prediction, weight);
    return new LossStructAggregator(b.set, b.decoder);
  }

  /**
   * The state of {@code loss} (counters and compensated sums, see {@link StateAggregator}), to save and
   * merge later without the rows; it carries its signature ({@code LossState.getSignature()}, the loss
   * with every parameter and its input forms). {@code weight} may be null for unit weights.
   */
  public static StateAggregator stateAggregator(Loss loss, StructType schema, String label, String prediction,
      String weight) {
    Bound b = bind(loss, schema, label, prediction, weight);
    return new StateAggregator(b.set, b.decoder);
  }

  /** The state of {@code loss} as a struct column ({@link #stateAggregator}); {@code weight} may be null. */
  public static Column state(Loss loss, Dataset<?> df, String label, String prediction, String weight) {
    return apply(stateAggregator(loss, df.schema(), label, prediction, weight), df.schema());
  }

  /**
   * StateStruct of {@code set} (a struct column as {@link #state} gives it) merged into one state, which
   * carries the set's signature; a state of another signature fails the query, naming both.
   */
  public static Column mergeStates(LossSet set, Column state) {
    return functions.udaf(new MergeAggregator(set), Encoders.bean(org.sparklossreport.core.LossState.class))
        .apply(StateStruct.FIELDS.stream().map(state::getField).toArray(Column[]::new));
  }

  /** The loss's value as a column for {@code groupBy(...).agg(...)} or {@code select}. */
  public static Column column(Loss loss, Dataset<?> df, String label, String prediction) {
    return column(loss, df, label, prediction, null);
  }

  /** The loss's value as a column, weighted by {@code weight} (null for unit weights). */
  public static Column column(Loss loss, Dataset<?> df, String label, String prediction, String weight) {
    return apply(aggregator(loss, df.schema(), label, prediction, weight, 0), df.schema());
  }

  /** One named output of the loss ({@code "value"} or an extra output such as {@code "gradient_norm"}). */
  public static Column column(Loss loss, Dataset<?> df, String label, String prediction, String weight,
      String output) {
    int i = output.equals("value") ? 0 : loss.extraOutputs().indexOf(output) + 1;
    if (i == 0 && !output.equals("value")) {
      throw new LossSpecException(loss.canonical() + ": no output '" + output + "'; outputs: value"
          + (loss.extraOutputs().isEmpty() ? "" : ", " + String.join(", ", loss.extraOutputs())));
    }
    return apply(aggregator(loss, df.schema(), label, prediction, weight, i), df.schema());
  }

  /** Every output and the counts of the loss as one struct column. */
  public static Column struct(Loss loss, Dataset<?> df, String label, String prediction, String weight) {
    return apply(structAggregator(loss, df.schema(), label, prediction, weight), df.schema());
  }

  /**
   * Registers the SQL functions of {@code org.sparklossreport.sql.LossReportExtensions} in a running session
   * (what {@code spark.sql.extensions} gives every session): {@code loss(spec, ...)}, {@code loss_outputs},
   * the state functions, and per loss of the catalog, with default parameters, {@code name(label,
   * prediction [, weight])}, {@code name_weighted(label, prediction, weight)} and {@code name_outputs(label,
   * prediction [, weight])}; {@code sparse} takes the prediction alone. Inputs are numbers, arrays of numbers
   * or ML vectors, as the loss takes them (docs/NOTEBOOKS.md).
   */
  public static void register(SparkSession spark) {
    org.sparklossreport.sql.LossReportExtensions.register(spark);
  }

  /** Registers one configured loss under {@code name}, {@code name_weighted} and {@code name_outputs}. */
  public static void register(SparkSession spark, String name, Loss loss) {
    Shape[] shapes = sqlShapes(loss);
    StructType plain = sqlSchema(loss, shapes, false);
    StructType weighted = sqlSchema(loss, shapes, true);
    String label = loss.needsLabel() ? "label" : null;
    spark.udf().register(name, udaf(aggregator(loss, plain, label, "prediction", null, 0), plain));
    spark.udf().register(name + "_weighted",
        udaf(aggregator(loss, weighted, label, "prediction", "weight", 0), weighted));
    spark.udf().register(name + "_outputs",
        udaf(structAggregator(loss, plain, label, "prediction", null), plain));
  }

  /** The shapes a SQL function of the loss takes: index + vector, two vectors, or two numbers. */
  static Shape[] sqlShapes(Loss loss) {
    Shape[][] tries = {{Shape.SCALAR, Shape.VECTOR}, {Shape.VECTOR, Shape.VECTOR}, {Shape.SCALAR, Shape.SCALAR}};
    for (Shape[] t : tries) {
      try {
        loss.bind(t[0], t[1]);
        return t;
      } catch (LossSpecException e) {
        // try the next form
      }
    }
    throw new IllegalStateException(loss.name() + " binds to no input shapes");
  }

  private static StructType sqlSchema(Loss loss, Shape[] shapes, boolean weighted) {
    List<StructField> fields = new ArrayList<>();
    if (loss.needsLabel()) {
      fields.add(DataTypes.createStructField("label", sqlType(shapes[0]), true));
    }
    fields.add(DataTypes.createStructField("prediction", sqlType(shapes[1]), true));
    if (weighted) {
      fields.add(DataTypes.createStructField("weight", DataTypes.DoubleType, true));
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType sqlType(Shape s) {
    return s == Shape.SCALAR ? DataTypes.DoubleType : DataTypes.createArrayType(DataTypes.DoubleType, true);
  }

  private record Bound(LossSet set, RowDecoder decoder, StructType inputSchema) {}

  /** Binds the loss to the named columns of {@code schema}: slots label, prediction, weight. */
  private static Bound bind(Loss loss, StructType schema, String label, String prediction, String weight) {
    List<InputSlot> slots = new ArrayList<>();
    List<StructField> fields = new ArrayList<>();
    int labelSlot = -1;
    Shape labelShape = Shape.SCALAR;
    if (loss.needsLabel()) {
      if (label == null) {
        throw new LossSpecException(loss.canonical() + ": needs a label column");
      }
      labelShape = ColumnTypes.require(schema, label, loss.canonical() + ": label");
      labelSlot = add(slots, fields, schema, label, labelShape);
    }
    Shape predictionShape = ColumnTypes.require(schema, prediction, loss.canonical() + ": prediction");
    int predictionSlot = add(slots, fields, schema, prediction, predictionShape);
    int weightSlot = -1;
    if (weight != null) {
      weightSlot = add(slots, fields, schema, weight, ColumnTypes.requireWeight(schema, weight, loss.canonical()));
    }
    LossSet set = LossSet.over(slots.size())
        .add(loss, labelSlot, labelShape, predictionSlot, predictionShape, weightSlot).build();
    return new Bound(set, new RowDecoder(slots), DataTypes.createStructType(fields));
  }

  private static int add(List<InputSlot> slots, List<StructField> fields, StructType schema, String column,
      Shape shape) {
    StructField f = ColumnTypes.find(schema, column);
    slots.add(new InputSlot(f.name(), shape));
    fields.add(f);
    return slots.size() - 1;
  }

  private static UserDefinedFunction udaf(Aggregator<org.apache.spark.sql.Row, ?, ?> agg, StructType input) {
    return functions.udaf(agg, Encoders.row(input));
  }

  private static Column apply(LossSetAggregator<?> agg, StructType schema) {
    List<Column> cols = new ArrayList<>();
    List<StructField> fields = new ArrayList<>();
    for (InputSlot s : agg.decoder().slots()) {
      cols.add(functions.col(ColumnTypes.quote(s.column())));
      fields.add(ColumnTypes.find(schema, s.column()));
    }
    return udaf(agg, DataTypes.createStructType(fields)).apply(cols.toArray(new Column[0]));
  }
}
