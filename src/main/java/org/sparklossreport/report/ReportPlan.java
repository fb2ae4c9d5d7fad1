package org.sparklossreport.report;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.Bucketing;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.engine.RowDecoder;
import org.sparklossreport.losses.LossRequest;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.spec.JobSpec;

/**
 * The single pass the job makes, planned on the driver from the input's schema before anything is read:
 * every requested loss bound to its columns, the distinct input columns (slots) they read, and the key
 * columns. All schema errors surface here, each naming the loss, column and the types expected.
 *
 * @param keys the key columns, in {@code --partition-by} order
 * @param slots the distinct input columns the losses read, with their shapes
 * @param set every loss, laid out in one state
 * @param columns for each loss (in set order), the columns it reads, for messages
 * @param bucketing the rows' jackknife buckets, the last key (null: none)
 */
public record ReportPlan(List<String> keys, List<InputSlot> slots, LossSet set,
    List<Map<String, String>> columns, Bucketing bucketing) implements Serializable {

  /** Plans {@code spec} over {@code schema}. */
  public static ReportPlan of(JobSpec spec, StructType schema) {
    List<String> keys = new ArrayList<>();
    for (String k : spec.partitionBy()) {
      StructField f = ColumnTypes.find(schema, k);
      if (f == null) {
        throw new UsageException("--partition-by column '" + k + "' not found; available columns: "
            + String.join(", ", schema.fieldNames()));
      }
      if (f.dataType() instanceof ArrayType || f.dataType() instanceof MapType
          || f.dataType() instanceof StructType) {
        throw new UsageException("--partition-by column '" + k + "' has type " + f.dataType().simpleString()
            + "; expected a number, string, date or timestamp");
      }
      keys.add(f.name());
    }
    List<Composite> composites = new ArrayList<>();
    List<Loss> losses = resolveLosses(spec, schema, composites);
    List<InputSlot> slots = new ArrayList<>();
    List<Map<String, String>> columns = new ArrayList<>();
    // slots are numbered as first seen; the set is built once their count is known
    List<Object[]> bindings = new ArrayList<>();
    for (Loss loss : losses) {
      String label = loss.labelColumn() != null ? loss.labelColumn() : spec.label();
      String prediction = loss.predictionColumn() != null ? loss.predictionColumn() : spec.prediction();
      String weight = loss.weightColumn() != null ? loss.weightColumn() : spec.weight();
      Map<String, String> cols = new LinkedHashMap<>();
      int labelSlot = -1;
      Shape labelShape = Shape.SCALAR;
      if (loss.needsLabel()) {
        labelShape = ColumnTypes.require(schema, label, loss.canonical() + ": label");
        labelSlot = slot(slots, schema, label, labelShape);
        cols.put("label", label);
      }
      Shape predictionShape = ColumnTypes.require(schema, prediction, loss.canonical() + ": prediction");
      int predictionSlot = slot(slots, schema, prediction, predictionShape);
      cols.put("prediction", prediction);
      int weightSlot = -1;
      if (weight != null) {
        weightSlot = slot(slots, schema, weight, ColumnTypes.requireWeight(schema, weight, loss.canonical()));
        cols.put("weight", weight);
      }
      bindings.add(new Object[] {loss, labelSlot, labelShape, predictionSlot, predictionShape, weightSlot});
      columns.add(cols);
    }
    LossSet.Builder builder = LossSet.over(slots.size());
    for (int i = 0; i < bindings.size(); i++) {
      Object[] b = bindings.get(i);
      try {
        builder.add((Loss) b[0], (int) b[1], (Shape) b[2], (int) b[3], (Shape) b[4], (int) b[5]);
      } catch (LossSpecException e) { // the loss names the shapes; say which columns have them
        throw new LossSpecException(e.getMessage() + "; columns: " + describe(columns.get(i)));
      }
    }
    composites.forEach(builder::composite);
    return new ReportPlan(List.copyOf(keys), List.copyOf(slots), builder.build(), List.copyOf(columns), null);
  }

  /** The same pass grouped also by the rows' jackknife bucket (after the keys). */
  public ReportPlan withBuckets(Bucketing b) {
    List<String> k = new ArrayList<>(keys);
    k.add(b.column());
    return new ReportPlan(List.copyOf(k), slots, set, columns, b);
  }

  /** The Spark setting that picks the engine of the single pass ({@link EnginePolicy#CONF}). */
  public static final String ENGINE_CONF = EnginePolicy.CONF;

  /**
   * The single pass: one {@link LossState} per key (column {@code state}, after the key columns), every
   * loss at once, each row decoded once. Without keys, one row holding the overall state. The engine is
   * the one {@link #engine} picks for the session's {@link #ENGINE_CONF}.
   */
  public Dataset<Row> aggregate(Dataset<Row> input) {
    return aggregate(input, engine(input.sparkSession().conf().get(ENGINE_CONF, "auto"), input));
  }

  /** The single pass on {@code engine} (as {@link #engine} picked it for this input). */
  public Dataset<Row> aggregate(Dataset<Row> input, EnginePolicy.Choice engine) {
    return engine.engine().states(engine.input(), keys, slots, set);
  }

  /**
   * The engine this plan runs on over {@code input} for setting {@code conf} ({@link EnginePolicy}); a
   * usage error for an unknown engine or one that does not apply.
   */
  public EnginePolicy.Choice engine(String conf, Dataset<Row> input) {
    return EnginePolicy.choose(conf, input, keys, slots, set, bucketing);
  }

  /** The decoder of the slots. */
  public RowDecoder decoder() {
    return new RowDecoder(slots);
  }

  /** The bound losses, in report order. */
  public List<BoundLoss> losses() {
    return set.losses();
  }

  /** {@code label 'y', prediction 'p'} for loss {@code i}. */
  public String describeColumns(int i) {
    return describe(columns.get(i));
  }

  private static String describe(Map<String, String> roles) {
    List<String> parts = new ArrayList<>();
    roles.forEach((role, col) -> parts.add(role + " '" + col + "'"));
    return String.join(", ", parts);
  }

  private static int slot(List<InputSlot> slots, StructType schema, String column, Shape shape) {
    String name = ColumnTypes.find(schema, column).name();
    for (int i = 0; i < slots.size(); i++) {
      if (slots.get(i).column().equals(name)) {
        return i;
      }
    }
    slots.add(new InputSlot(name, shape));
    return slots.size() - 1;
  }

  /**
   * The requested losses ({@link LossRequest}); {@code all} expands to every loss whose inputs exist with
   * fitting types. A composite goes to {@code composites}, its heads join the losses of the one pass.
   */
  static List<Loss> resolveLosses(JobSpec spec, StructType schema, List<Composite> composites) {
    LossRequest request = LossRequest.of(spec.losses(),
        () -> Losses.names().stream().map(Losses::create).filter(l -> fits(l, spec, schema)).toList());
    if (request.losses().isEmpty()) {
      throw new UsageException("--losses all: no loss fits the columns label '" + spec.label()
          + "' and prediction '" + spec.prediction() + "'; available columns: "
          + String.join(", ", schema.fieldNames()));
    }
    composites.addAll(request.composites());
    return request.losses();
  }

  private static boolean fits(Loss l, JobSpec spec, StructType schema) {
    StructField p = ColumnTypes.find(schema, spec.prediction());
    StructField y = ColumnTypes.find(schema, spec.label());
    Shape ps = p == null ? null : ColumnTypes.shapeOf(p.dataType());
    Shape ys = y == null ? null : ColumnTypes.shapeOf(y.dataType());
    if (ps == null || (l.needsLabel() && ys == null)) {
      return false;
    }
    try {
      l.bind(ys == null ? Shape.SCALAR : ys, ps);
      return true;
    } catch (LossSpecException e) {
      return false;
    }
  }
}
