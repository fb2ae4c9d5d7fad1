package org.sparklossreport.engine.compiled;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.ObjectType;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.ScalarSums;
import org.sparklossreport.core.Shape;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.Engine;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.state.StateStruct;

/**
 * The job's compiled engine: the single pass as one {@code groupBy(keys).agg(...)} of Catalyst
 * expressions, which Spark's whole-stage code generation fuses with the scan and its own hash
 * aggregation, when every loss has a {@link ScalarSums} kernel over scalar inputs; losses of other
 * kernels (vector losses) run as one {@link StateAggregate} per key, which feeds Spark's internal rows to
 * the losses' own kernels ({@link #ENGINE} takes both).
 *
 * <p>Nothing of a loss is written again here: the generated code calls each loss's own term and check
 * functions (the objects in its kernel's {@link Accumulator}s, one call site per loss, so the JIT can
 * inline them), and the sums are {@link NeumaierSum} and {@link ShiftedMoments}, which do what
 * {@code core.Neumaier} and {@code Accumulator.Moments} do. The shared row checks of {@code BoundLoss}
 * (null, weight, non-finite, then the loss's check) become one reason code per row and loss; the
 * counters count its values. The result has the same layout as the other engines: the key columns, then
 * {@code state} (a {@link LossState}), so merging, finishing and reporting are shared.
 *
 * <p>With unit weights ({@code BoundLoss.unitWeights}) Σw of a loss is its row count
 * ({@code BoundLoss.unitWeightSum}), so it is not summed.
 */
public final class CompiledEngine {
  private CompiledEngine() {}

  private static final String VALUE = "__lossreport_value_";
  private static final String SLOT = "__lossreport_slot_";
  private static final String CODE = "__lossreport_code_";
  private static final String TERM = "__lossreport_term_";

  /** True when every loss of {@code set} has a {@link ScalarSums} kernel and scalar inputs. */
  public static boolean supports(LossSet set, List<InputSlot> slots) {
    for (BoundLoss b : set.losses()) {
      if (!(b.kernel() instanceof ScalarSums) || b.kernel().setsWeights()
          || slots.get(b.predictionSlot()).shape() != Shape.SCALAR
          || b.labelSlot() >= 0 && slots.get(b.labelSlot()).shape() != Shape.SCALAR) {
        return false;
      }
    }
    return true;
  }

  /** The compiled engine: every loss on every input. */
  public static final Engine ENGINE = new Engine() {
    @Override
    public String name() {
      return "compiled";
    }

    @Override
    public Dataset<Row> states(Dataset<Row> input, List<String> keys, List<InputSlot> slots, LossSet set) {
      return supports(set, slots) ? aggregate(input, keys, slots, set) : aggregateRows(input, keys, slots, set);
    }
  };

  /**
   * One state per key for losses of any kernel and shape (vector losses): the slots cast to double or
   * {@code array<double>} (ML vectors through {@code vector_to_array}), then one {@link StateAggregate}
   * per key, which hands each row to the losses' kernels.
   */
  static Dataset<Row> aggregateRows(Dataset<Row> input, List<String> keys, List<InputSlot> slots, LossSet set) {
    List<Column> cols = new ArrayList<>();
    keys.forEach(k -> cols.add(input.col(ColumnTypes.quote(k))));
    for (int i = 0; i < slots.size(); i++) {
      InputSlot s = slots.get(i);
      Column c = input.col(ColumnTypes.quote(s.column()));
      DataType t = ColumnTypes.find(input.schema(), s.column()).dataType();
      if (s.shape() == Shape.SCALAR) {
        c = c.cast(DataTypes.DoubleType);
      } else if (t instanceof ArrayType a) {
        c = a.elementType() instanceof DoubleType ? c : c.cast(DataTypes.createArrayType(DataTypes.DoubleType, true));
      } else {
        c = org.apache.spark.ml.functions.vector_to_array(c, "float64");
      }
      cols.add(c.as(SLOT + i));
    }
    Dataset<Row> rows = input.select(cols.toArray(new Column[0]));
    List<Expression> children = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      children.add(expr(rows.col(SLOT + i)));
    }
    Column state = aggregate(new StateAggregate(Catalyst.seq(children), set,
        slots.stream().map(InputSlot::shape).toArray(Shape[]::new))).as("state");
    if (keys.isEmpty()) {
      return rows.agg(state);
    }
    Column[] keyCols = keys.stream().map(k -> rows.col(ColumnTypes.quote(k))).toArray(Column[]::new);
    return rows.groupBy(keyCols).agg(state);
  }

  /** One state per key (columns: the keys, then {@code state}); one row without keys. */
  public static Dataset<Row> aggregate(Dataset<Row> input, List<String> keys, List<InputSlot> slots,
      LossSet set) {
    if (!supports(set, slots)) {
      throw new IllegalArgumentException("the compiled engine takes scalar kernels over scalar inputs only: "
          + set.signature());
    }
    // first the inputs as doubles and one reason code per distinct (slots, check): losses over the same
    // columns share it
    List<Column> first = new ArrayList<>();
    keys.forEach(k -> first.add(input.col(ColumnTypes.quote(k))));
    List<Column> values = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Column v = input.col(ColumnTypes.quote(slots.get(i).column())).cast(DataTypes.DoubleType);
      values.add(v);
      first.add(v.as(VALUE + i));
    }
    Map<List<Object>, String> codes = new LinkedHashMap<>();
    for (BoundLoss b : set.losses()) {
      List<Object> id = checkId(b);
      if (!codes.containsKey(id)) {
        String name = CODE + codes.size();
        codes.put(id, name);
        first.add(reasonCode(b, values).as(name));
      }
    }
    Dataset<Row> coded = input.select(first.toArray(new Column[0]));
    // then what the aggregation reads: the slots never null (a null is never valid: lean generated code),
    // the codes, and the per-row values the sums add (w·ℓ of valid rows, else 0), so that the aggregation's
    // update expressions only add; one column per distinct (term, inputs, code)
    List<Column> projection = new ArrayList<>();
    keys.forEach(k -> projection.add(coded.col(ColumnTypes.quote(k))));
    for (int i = 0; i < slots.size(); i++) {
      projection.add(coalesce(col(VALUE + i), lit(0.0)).as(SLOT + i));
    }
    codes.values().forEach(name -> projection.add(col(name)));
    Map<List<Object>, String> terms = new LinkedHashMap<>();
    for (BoundLoss b : set.losses()) {
      for (Accumulator a : ((ScalarSums) b.kernel()).accumulators()) {
        if (a instanceof Accumulator.Term t) {
          List<Object> id = termId(b, t);
          if (!terms.containsKey(id)) {
            String name = TERM + terms.size();
            terms.put(id, name);
            projection.add(weightedTerm(b, t, col(codes.get(checkId(b)))).as(name));
          }
        }
      }
    }
    Dataset<Row> rows = coded.select(projection.toArray(new Column[0]));

    int countSlots = set.losses().stream().mapToInt(b -> b.countAt() + 1 + InvalidReason.COUNT).max().orElse(0);
    Column[] counts = new Column[countSlots];
    List<Column> sums = new ArrayList<>();
    for (BoundLoss b : set.losses()) {
      Column code = col(codes.get(checkId(b)));
      Column valid = code.equalTo(-1);
      ScalarSums kernel = (ScalarSums) b.kernel();
      Column rowCount = count_if(valid);
      counts[b.countAt()] = rowCount;
      for (InvalidReason r : InvalidReason.values()) {
        boolean possible = ScalarSums.possible(r, b.weightSlot() >= 0, kernel.scalarCheck() != null);
        counts[b.countAt() + 1 + r.ordinal()] = possible ? count_if(code.equalTo(r.ordinal())) : lit(0L);
      }
      Column w = b.weightSlot() >= 0 ? col(SLOT + b.weightSlot()) : null;
      sums.add(b.unitWeights() ? unitWeightSum(rowCount) : neumaierSum(when(valid, w).otherwise(0.0)));
      sums.add(lit(0.0));
      for (Accumulator a : kernel.accumulators()) {
        if (a instanceof Accumulator.Term t) {
          sums.add(neumaierSum(col(terms.get(termId(b, t)))));
          sums.add(lit(0.0));
        } else if (a instanceof Accumulator.Moments) {
          Column y = col(SLOT + b.labelSlot());
          Column m = aggregate(new ShiftedMoments(expr(y), w == null ? null : expr(w), expr(valid)));
          for (int i = 0; i < a.slots(); i++) {
            sums.add(m.getItem(i));
          }
        }
      }
    }
    Column state = StateStruct.column(counts, sums.toArray(new Column[0]));
    if (keys.isEmpty()) {
      return rows.agg(state);
    }
    Column[] keyCols = keys.stream().map(k -> rows.col(ColumnTypes.quote(k))).toArray(Column[]::new);
    return rows.groupBy(keyCols).agg(state);
  }

  /** Column {@code i} of a partial state's counters, as the merges of partial states take them. */
  public static String countColumn(int i) {
    return "__lossreport_count_" + i;
  }

  /** Column {@code i} of a partial state's sums, as the merges of partial states take them. */
  public static String sumColumn(int i) {
    return "__lossreport_sum_" + i;
  }

  /** What decides the column of a term's per-row values. */
  private static List<Object> termId(BoundLoss b, Accumulator.Term t) {
    return java.util.Arrays.asList(t.term(), t.squaredWeight() && b.weightSlot() >= 0, b.labelSlot(),
        b.predictionSlot(), b.weightSlot(), checkId(b));
  }

  /** w·ℓ(y, ŷ) (w²·ℓ for a squared weight, ℓ without weights) of a valid row, else 0. */
  private static Column weightedTerm(BoundLoss b, Accumulator.Term t, Column code) {
    Column y = b.labelSlot() >= 0 ? col(VALUE + b.labelSlot()) : lit(0.0);
    Column p = col(VALUE + b.predictionSlot());
    Column w = b.weightSlot() >= 0 ? col(VALUE + b.weightSlot()) : null;
    Column term = call(t.term(), Kernels.ScalarTerm.class, DataTypes.DoubleType, false, y, p);
    Column weighted = w == null ? term : (t.squaredWeight() ? w.multiply(w) : w).multiply(term);
    return when(code.equalTo(-1), weighted).otherwise(0.0);
  }


  /** What decides a loss's reason code: its input slots and its check. */
  private static List<Object> checkId(BoundLoss b) {
    Object check = ((ScalarSums) b.kernel()).scalarCheck();
    return java.util.Arrays.asList(b.labelSlot(), b.predictionSlot(), b.weightSlot(),
        check == null ? "none" : check);
  }

  /**
   * Why a row does not count for loss {@code b}, as {@link InvalidReason#codeOf}: the checks of
   * {@code BoundLoss.classify} in the same order, the shared ones by a call of {@code BoundLoss.rowCheck}
   * ({@link #rowCheck}), then the loss's own check.
   */
  private static Column reasonCode(BoundLoss b, List<Column> values) {
    Column y = b.labelSlot() >= 0 ? values.get(b.labelSlot()) : null;
    Column p = values.get(b.predictionSlot());
    Column w = b.weightSlot() >= 0 ? values.get(b.weightSlot()) : null;
    Expression shared = rowCheck(y == null ? null : expr(y), expr(p), w == null ? null : expr(w));
    Kernels.ScalarCheck check = ((ScalarSums) b.kernel()).scalarCheck();
    if (check == null) {
      return ExpressionUtils.column(shared);
    }
    Column code = ExpressionUtils.column(shared);
    Column reason = call(check, Kernels.ScalarCheck.class, new ObjectType(InvalidReason.class), true,
        y == null ? lit(0.0) : y, p);
    return when(code.notEqual(-1), code).otherwise(ExpressionUtils.column(new StaticInvoke(InvalidReason.class,
        DataTypes.IntegerType, "codeOf", Catalyst.seq(expr(reason)), Catalyst.seq(List.<AbstractDataType>of()),
        false, false, true, scala.Option.empty())));
  }

  /**
   * {@code BoundLoss.rowCheck}'s reason code ({@code BoundLoss.rowCheckForm}) of a row of label {@code y}
   * (null: the loss has none), prediction {@code p} and weight {@code w} (null: unit weights), each a
   * nullable double: null inputs have status {@code LossRow.NULL}, the others {@code LossRow.statusOf}.
   */
  static Expression rowCheck(Expression y, Expression p, Expression w) {
    Expression ok = Literal.create(LossRow.OK, DataTypes.ByteType);
    return BoundLoss.rowCheckForm(Catalyst.CALLS, y == null ? ok : status(y), status(p),
        w == null ? ok : status(w), w == null ? Catalyst.lit(1.0) : new Coalesce(Catalyst.seq(w, Catalyst.lit(0.0))));
  }

  /** A nullable double's {@code LossRow} status. */
  private static Expression status(Expression x) {
    return new If(new IsNull(x), Literal.create(LossRow.NULL, DataTypes.ByteType),
        Catalyst.CALLS.call(LossRow.class, "statusOf", List.of(x)));
  }

  /** {@code fn.of(args)} in the generated code: a call site of its own for each loss's function. */
  private static Column call(Object fn, Class<?> type, DataType result, boolean nullable, Column... args) {
    List<Expression> in = new ArrayList<>();
    for (Column a : args) {
      in.add(expr(a));
    }
    return ExpressionUtils.column(new Invoke(Literal.create(fn, new ObjectType(type)), "of", result,
        Catalyst.seq(in), Catalyst.seq(List.<AbstractDataType>of()), false, nullable, true));
  }

  /** {@code BoundLoss.unitWeightSum} of a row count: Σw of unit weights, which is not summed. */
  private static Column unitWeightSum(Column rows) {
    return ExpressionUtils.column(Catalyst.CALLS.call(BoundLoss.class, "unitWeightSum", List.of(expr(rows))));
  }

  private static Column neumaierSum(Column x) {
    return aggregate(new NeumaierSum(expr(x)));
  }

  private static Column aggregate(org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction f) {
    return ExpressionUtils.column(f.toAggregateExpression());
  }

  private static Expression expr(Column c) {
    return ExpressionUtils.expression(c);
  }
}
