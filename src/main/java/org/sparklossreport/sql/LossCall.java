package org.sparklossreport.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.UserDefinedType;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Shape;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.losses.Losses;

/**
 * A call {@code f(spec, label, prediction [, weight])} ({@code f(spec, prediction [, weight])} for a loss
 * without label) checked at analysis: the spec is a string literal that parses, the argument count fits
 * the loss, each argument's type gives a shape the loss binds to. Every failure is an
 * {@code AnalysisException} naming the function, the spec, the argument and what was expected.
 *
 * @param spec the spec argument (a literal), kept as the aggregate's first child for its SQL text
 * @param set the loss over slots label (when it has one), prediction, weight (when given)
 * @param shapes the slots' shapes
 * @param inputs the input arguments as the slots read them: double, or {@code array<double>}
 */
record LossCall(Expression spec, LossSet set, Shape[] shapes, List<Expression> inputs) {

  /** Checks and binds {@code function(spec, ...)}: the spec is the first argument. */
  static LossCall of(String function, List<Expression> args) {
    if (args.isEmpty()) {
      throw SqlErrors.analysis(function + "(spec, label, prediction [, weight]): got no arguments");
    }
    Expression specArg = args.get(0);
    String spec = literalSpec(function, specArg);
    return bind(function + "('" + spec + "', ...)", 1, specArg, spec, args.subList(1, args.size()));
  }

  /** Checks and binds a shortcut {@code function(label, prediction [, weight])} of loss {@code name}, defaults. */
  static LossCall shortcut(String function, String name, List<Expression> args) {
    return bind(function, 0, Literal.create(name, DataTypes.StringType), name, args);
  }

  /**
   * Binds {@code spec} to {@code args} (the inputs); {@code call} names the call in messages and
   * {@code specArgs} is 1 when the spec was an argument (for the argument count).
   */
  private static LossCall bind(String call, int specArgs, Expression specArg, String spec, List<Expression> args) {
    Loss loss;
    try {
      loss = Losses.parse(spec);
    } catch (LossSpecException e) {
      throw SqlErrors.analysis(call + ": " + e.getMessage(), e);
    }
    if (loss.labelColumn() != null || loss.predictionColumn() != null || loss.weightColumn() != null) {
      throw SqlErrors.analysis(call + ": the columns are the function's arguments; drop label=, prediction= and"
          + " weight= from the spec");
    }
    List<String> roles = new ArrayList<>(loss.needsLabel() ? List.of("label", "prediction") : List.of("prediction"));
    int n = args.size();
    if (n != roles.size() && n != roles.size() + 1) {
      throw SqlErrors.analysis(call + ": expects " + (roles.size() + specArgs) + " or " + (roles.size() + specArgs + 1)
          + " arguments (" + (specArgs == 1 ? "spec, " : "") + String.join(", ", roles) + " [, weight]), got "
          + (n + specArgs));
    }
    if (n > roles.size()) {
      roles.add("weight");
    }
    Shape[] shapes = new Shape[n];
    List<Expression> inputs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Expression a = args.get(i);
      Shape s = ColumnTypes.shapeOf(a.dataType());
      String role = roles.get(i);
      if (s == null || (role.equals("weight") && s != Shape.SCALAR)) {
        throw SqlErrors.analysis(call + ": " + role + " " + text(a) + " has type " + a.dataType().simpleString()
            + "; expected " + (role.equals("weight") ? "a number" : "a number, an array of numbers or an ML Vector"));
      }
      shapes[i] = s;
      inputs.add(readAs(a, s));
    }
    boolean label = loss.needsLabel();
    int p = label ? 1 : 0;
    LossSet set;
    try {
      set = LossSet.over(n).add(loss, label ? 0 : -1, label ? shapes[0] : Shape.SCALAR, p, shapes[p],
          n > p + 1 ? p + 1 : -1).build();
    } catch (LossSpecException e) {
      throw SqlErrors.analysis(call + " over " + String.join(", ", args.stream().map(LossCall::text).toList())
          + ": " + e.getMessage(), e);
    }
    return new LossCall(specArg, set, shapes, inputs);
  }

  /** The value of a spec argument, which must be a non-null string literal. */
  static String literalSpec(String function, Expression specArg) {
    if (!specArg.foldable() || !(specArg.dataType() instanceof StringType)) {
      throw SqlErrors.analysis(function + ": the first argument, the loss spec, must be a string literal such as"
          + " 'huber(delta=1.5)'; got " + text(specArg) + " of type " + specArg.dataType().simpleString());
    }
    Object v = specArg.eval(null);
    if (v == null) {
      throw SqlErrors.analysis(function + ": the loss spec is null; expected a string literal such as 'mse'");
    }
    return v.toString();
  }

  /** An argument as a message shows it: a column's name, else its SQL. */
  static String text(Expression e) {
    return e instanceof AttributeReference a ? a.name() : e.sql();
  }

  /** The argument as the slot reads it: a double, or {@code array<double>} (ML vectors converted). */
  private static Expression readAs(Expression a, Shape s) {
    DataType t = a.dataType();
    if (s == Shape.SCALAR) {
      return t.equals(DataTypes.DoubleType) ? a : cast(a, DataTypes.DoubleType);
    }
    if (t instanceof ArrayType at) {
      return at.elementType().equals(DataTypes.DoubleType) ? a
          : cast(a, DataTypes.createArrayType(DataTypes.DoubleType, true));
    }
    return SqlFunctions.invoke(new VectorArgument((UserDefinedType<?>) t), "toArray",
        DataTypes.createArrayType(DataTypes.DoubleType, false), List.of(a));
  }

  private static Expression cast(Expression a, DataType to) {
    return new Cast(a, to, scala.Option.empty(), EvalMode.LEGACY());
  }
}
