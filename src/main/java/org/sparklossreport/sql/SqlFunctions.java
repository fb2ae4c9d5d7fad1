package org.sparklossreport.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.state.SavedState;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL functions of a session (docs/NOTEBOOKS.md): {@code loss}, {@code loss_outputs},
 * {@code loss_state_agg}, {@code loss_state_merge_agg}, {@code loss_value}, {@code loss_state}, and per
 * loss {@code name}, {@code name_weighted} and {@code name_outputs} with default parameters.
 */
public final class SqlFunctions {
  private SqlFunctions() {}

  /** Every function, in the order above. */
  public static List<SqlFunction> all() {
    List<SqlFunction> out = new ArrayList<>();
    out.add(aggregate("loss", LossAggregate.Result.VALUE,
        "_FUNC_(spec, label, prediction [, weight]) - the value of the loss of spec (a string literal such as"
            + " 'huber(delta=1.5)') over the rows; null when no row contributed."));
    out.add(aggregate("loss_outputs", LossAggregate.Result.OUTPUTS,
        "_FUNC_(spec, label, prediction [, weight]) - a struct of the loss's value, its extra outputs by name,"
            + " rows, invalid_rows and weight_sum."));
    out.add(aggregate("loss_state_agg", LossAggregate.Result.STATE,
        "_FUNC_(spec, label, prediction [, weight]) - the loss's mergeable state as BINARY (docs/STATES.md)."));
    out.add(new SqlFunction(MergeStatesAggregate.NAME, MergeStatesAggregate.class,
        "_FUNC_(state) - binary loss states of one loss merged into one BINARY state; null without states.",
        "agg_funcs", SqlFunctions::mergeStates));
    out.add(new SqlFunction(StateValue.NAME, StateValue.class,
        "_FUNC_(state [, output]) - the value, or the named extra output, of a binary loss state.",
        "misc_funcs", SqlFunctions::value));
    out.add(new SqlFunction(TableState.NAME, TableState.class,
        "_FUNC_(loss, state) - a row of a --states table (its loss and state columns) as a binary loss state.",
        "misc_funcs", SqlFunctions::tableState));
    for (String name : Losses.names()) {
      String args = Losses.create(name).needsLabel() ? "label, prediction" : "prediction";
      out.add(shortcut(name, name, LossAggregate.Result.VALUE, false,
          "_FUNC_(" + args + " [, weight]) - loss('" + name + "', " + args + " [, weight]): default parameters."));
      out.add(shortcut(name + "_weighted", name, LossAggregate.Result.VALUE, true,
          "_FUNC_(" + args + ", weight) - loss('" + name + "', " + args + ", weight): default parameters."));
      out.add(shortcut(name + "_outputs", name, LossAggregate.Result.OUTPUTS, false,
          "_FUNC_(" + args + " [, weight]) - loss_outputs('" + name + "', " + args + " [, weight])."));
    }
    return out;
  }

  private static SqlFunction aggregate(String name, LossAggregate.Result result, String usage) {
    return new SqlFunction(name, LossAggregate.class, usage, "agg_funcs",
        args -> LossAggregate.of(LossCall.of(name, args), name, result));
  }

  private static SqlFunction shortcut(String function, String loss, LossAggregate.Result result,
      boolean weighted, String usage) {
    return new SqlFunction(function, LossAggregate.class, usage, "agg_funcs", args -> {
      LossCall call = LossCall.shortcut(function, loss, args);
      if (weighted && call.inputs().size() == call.set().losses().get(0).predictionSlot() + 1) {
        throw SqlErrors.analysis(function + ": expects a weight as its last argument; got " + args.size()
            + " arguments");
      }
      return LossAggregate.of(call, result == LossAggregate.Result.VALUE ? "loss" : "loss_outputs", result);
    });
  }

  private static Expression mergeStates(List<Expression> args) {
    String f = MergeStatesAggregate.NAME;
    if (args.size() != 1) {
      throw SqlErrors.analysis(f + "(state): expects 1 argument, got " + args.size());
    }
    requireBinary(f, args.get(0));
    return new MergeStatesAggregate(args.get(0), 0, 0);
  }

  private static Expression value(List<Expression> args) {
    String f = StateValue.NAME;
    if (args.isEmpty() || args.size() > 2) {
      throw SqlErrors.analysis(f + "(state [, output]): expects 1 or 2 arguments, got " + args.size());
    }
    requireBinary(f, args.get(0));
    if (args.size() == 2 && !(args.get(1).dataType() instanceof StringType)) {
      throw SqlErrors.analysis(f + ": output " + LossCall.text(args.get(1)) + " has type "
          + args.get(1).dataType().simpleString() + "; expected a string such as 'value' or 'gradient_norm'");
    }
    return invoke(new StateValue(), "value", DataTypes.DoubleType, args);
  }

  private static Expression tableState(List<Expression> args) {
    String f = TableState.NAME;
    if (args.size() != 2) {
      throw SqlErrors.analysis(f + "(loss, state): expects 2 arguments (the loss and state columns of a --states"
          + " table), got " + args.size());
    }
    if (!(args.get(0).dataType() instanceof StringType)) {
      throw SqlErrors.analysis(f + ": loss " + LossCall.text(args.get(0)) + " has type "
          + args.get(0).dataType().simpleString() + "; expected the string loss column of a --states table");
    }
    DataType t = args.get(1).dataType();
    if (!(t instanceof StructType s) || !hasStateFields(s)) {
      throw SqlErrors.analysis(f + ": state " + LossCall.text(args.get(1)) + " has type " + t.simpleString()
          + "; expected the state struct of a --states table, " + SavedState.SCHEMA.simpleString());
    }
    return invoke(new TableState(s), "toBinary", DataTypes.BinaryType, args);
  }

  private static boolean hasStateFields(StructType s) {
    for (StructField f : SavedState.SCHEMA.fields()) {
      if (!List.of(s.fieldNames()).contains(f.name())) {
        return false;
      }
    }
    return true;
  }

  private static void requireBinary(String f, Expression state) {
    if (!state.dataType().equals(DataTypes.BinaryType)) {
      throw SqlErrors.analysis(f + ": state " + LossCall.text(state) + " has type " + state.dataType().simpleString()
          + "; expected BINARY from loss_state_agg, loss_state_merge_agg or loss_state(loss, state)");
    }
  }

  /** A call of {@code method} on {@code target} per row; null when an argument is null. */
  static Expression invoke(NamedInvoke.Target target, String method, DataType type, List<Expression> args) {
    return new NamedInvoke(Literal.fromObject(target), method, type, CollectionConverters.asScala(args).toList(),
        CollectionConverters.asScala(List.<AbstractDataType>of()).toList(), true, true, true);
  }
}
