package org.sparklossreport.engine.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.testing.SparkTest;

/**
 * Each rule the compiled engine shares with the Java reference gives the same bits in both forms, on the
 * same seeded rows of NaN, ±∞, nulls, zero and negative weights and values near ±1e308 whose sums
 * overflow: the row check ({@code BoundLoss.rowCheck} against {@link CompiledEngine#rowCheck}), the
 * compensated sum ({@code Neumaier.add}, {@code merge} and {@code value} against the Catalyst pair
 * expressions of {@link NeumaierSum}) and the moments merge ({@code Accumulator.Moments.merge} against
 * {@link ShiftedMoments#merged}, with and without weights). Each Catalyst form runs in a Spark job, so
 * through its generated code, and interpreted ({@code Expression.eval}). NaNs are equal to each other
 * (Spark's rows keep one NaN), every other double is compared by its raw bits.
 */
@SparkTest
class RulesOnceTest {
  private static final int ROWS = 3000;

  /** A double of the kinds that trip the rules up, or null when {@code nulls}. */
  private static Double value(Random r, boolean nulls) {
    int kind = r.nextInt(nulls ? 12 : 11);
    return switch (kind) {
      case 0 -> Double.NaN;
      case 1 -> Double.POSITIVE_INFINITY;
      case 2 -> Double.NEGATIVE_INFINITY;
      case 3 -> 0.0;
      case 4 -> -Math.abs(r.nextGaussian()) * 10;
      case 5 -> (r.nextBoolean() ? 1 : -1) * (0.6 + r.nextDouble()) * 1e308; // sums of two overflow
      case 6 -> 1e-300 * r.nextGaussian();
      case 7 -> (double) r.nextInt(100);
      case 11 -> null;
      default -> r.nextGaussian() * 10;
    };
  }

  private static StructType doubles(String... names) {
    List<StructField> f = new ArrayList<>();
    for (String n : names) {
      f.add(DataTypes.createStructField(n, DataTypes.DoubleType, true));
    }
    return DataTypes.createStructType(f);
  }

  private static byte status(Double v) {
    return v == null ? LossRow.NULL : LossRow.statusOf(v);
  }

  @Test
  void theRowCheckIsOneRule(SparkSession spark) {
    Random r = new Random(2701);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(RowFactory.create(value(r, true), value(r, true), value(r, true)));
    }
    // label and weight present or not, as a loss binds them
    List<Function<IntFunction<Expression>, Expression>> forms = List.of(
        in -> CompiledEngine.rowCheck(in.apply(0), in.apply(1), in.apply(2)),
        in -> CompiledEngine.rowCheck(null, in.apply(1), in.apply(2)),
        in -> CompiledEngine.rowCheck(in.apply(0), in.apply(1), null),
        in -> CompiledEngine.rowCheck(null, in.apply(1), null));
    check(spark, rows, doubles("y", "p", "w"), forms, in -> {
      Double y = (Double) in[0];
      Double p = (Double) in[1];
      Double w = (Double) in[2];
      byte sy = status(y);
      byte sp = status(p);
      byte sw = status(w);
      double wv = w == null ? 0.0 : w;
      return new Object[] {BoundLoss.rowCheckCode(sy, sp, sw, wv), BoundLoss.rowCheckCode(LossRow.OK, sp, sw, wv),
          BoundLoss.rowCheckCode(sy, sp, LossRow.OK, 1.0), BoundLoss.rowCheckCode(LossRow.OK, sp, LossRow.OK, 1.0)};
    });
  }

  @Test
  void theCompensatedSumIsOneRule(SparkSession spark) {
    Random r = new Random(2702);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Double s = value(r, false);
      Double s2 = value(r, false);
      // compensations are small beside their sums, and finite (Neumaier's invariant 4)
      rows.add(RowFactory.create(s, small(r, s), value(r, false), s2, small(r, s2)));
    }
    List<Function<IntFunction<Expression>, Expression>> forms = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int slot = i;
      forms.add(in -> Catalyst.pairPlus(in.apply(0), in.apply(1), in.apply(2))[slot]);
      forms.add(in -> Catalyst.pairMerge(in.apply(0), in.apply(1), in.apply(3), in.apply(4))[slot]);
    }
    forms.add(in -> Catalyst.pairValue(in.apply(0), in.apply(1)));
    check(spark, rows, doubles("s", "c", "x", "s2", "c2"), forms, in -> {
      double[] v = Arrays.stream(in).mapToDouble(o -> (Double) o).toArray();
      double[] plus = {v[0], v[1]};
      Neumaier.add(plus, 0, v[2]);
      double[] merged = {v[0], v[1]};
      Neumaier.merge(merged, 0, new double[] {v[3], v[4]}, 0);
      return new Object[] {plus[0], merged[0], plus[1], merged[1], Neumaier.value(v, 0)};
    });
  }

  private static double small(Random r, double sum) {
    return Double.isFinite(sum) && r.nextBoolean() ? sum * 1e-17 * r.nextGaussian() : 0.0;
  }

  @Test
  void theMomentsMergeIsOneRule(SparkSession spark) {
    merges(spark, false);
  }

  /** Unit weights: the buffer keeps Σw as a count, and "has K" is that count (ShiftedMoments.slot). */
  @Test
  void theMomentsMergeOfUnitWeightsIsOneRule(SparkSession spark) {
    merges(spark, true);
  }

  private static void merges(SparkSession spark, boolean unit) {
    Random r = new Random(unit ? 2704 : 2703);
    List<Row> rows = new ArrayList<>();
    String[] names = new String[16];
    for (int i = 0; i < 8; i++) {
      names[i] = "l" + i;
      names[8 + i] = "r" + i;
    }
    for (int i = 0; i < ROWS; i++) {
      Object[] v = new Object[16];
      System.arraycopy(block(r, unit), 0, v, 0, 8);
      System.arraycopy(block(r, unit), 0, v, 8, 8);
      rows.add(RowFactory.create(v));
    }
    List<Function<IntFunction<Expression>, Expression>> forms = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int slot = i;
      forms.add(in -> ShiftedMoments.merged(logical(in, 0, unit), logical(in, 8, unit))[slot]);
    }
    check(spark, rows, doubles(names), forms, in -> {
      double[] v = Arrays.stream(in).mapToDouble(o -> (Double) o).toArray();
      double[] s = Arrays.copyOfRange(v, 0, 8);
      new Accumulator.Moments().merge(s, 0, v, 8);
      Object[] out = new Object[8];
      for (int i = 0; i < 8; i++) { // with unit weights the buffer keeps neither "has K" nor Σw's compensation
        out[i] = unit && (i == Accumulator.Moments.HAS_K || i == Accumulator.Moments.W + 1) ? null : s[i];
      }
      return out;
    });
  }

  /** Slot i of the block at {@code from}, as ShiftedMoments reads its buffer. */
  private static IntFunction<Expression> logical(IntFunction<Expression> in, int from, boolean unit) {
    return i -> unit && i == Accumulator.Moments.HAS_K ? in.apply(from + Accumulator.Moments.W)
        : unit && i == Accumulator.Moments.W + 1 ? Catalyst.lit(0.0) : in.apply(from + i);
  }

  /** A block of moments: empty (all 0) or with a shift, sums that may have overflowed, small compensations. */
  private static Object[] block(Random r, boolean unit) {
    Object[] b = new Object[8];
    Arrays.fill(b, 0.0);
    if (r.nextInt(4) == 0) {
      return b;
    }
    Double k = value(r, false);
    b[Accumulator.Moments.K] = Double.isNaN(k) ? 1.5 : k; // a shift is a valid label: finite or huge
    b[Accumulator.Moments.HAS_K] = 1.0;
    double w = unit ? 1 + r.nextInt(1000) : Math.abs(value(r, false));
    b[Accumulator.Moments.W] = Double.isNaN(w) ? 2.0 : w;
    b[Accumulator.Moments.W + 1] = unit ? 0.0 : small(r, w);
    for (int at : new int[] {Accumulator.Moments.SUM, Accumulator.Moments.SQUARES}) {
      double s = value(r, false);
      b[at] = at == Accumulator.Moments.SQUARES ? Math.abs(s) : s;
      b[at + 1] = small(r, s);
    }
    return b;
  }

  /**
   * Evaluates each form over the rows of {@code schema} in a Spark job (generated code) and interpreted,
   * and compares both with {@code java} (null where a form has no value to compare) on the same inputs.
   */
  private static void check(SparkSession spark, List<Row> rows, StructType schema,
      List<Function<IntFunction<Expression>, Expression>> forms, Function<Object[], Object[]> java) {
    int n = schema.size();
    List<Column> select = new ArrayList<>();
    for (StructField f : schema.fields()) {
      select.add(org.apache.spark.sql.functions.col(f.name()));
    }
    IntFunction<Expression> byName = i -> ExpressionUtils.expression(org.apache.spark.sql.functions.col(schema.fields()[i].name()));
    for (int j = 0; j < forms.size(); j++) {
      select.add(ExpressionUtils.column(forms.get(j).apply(byName)).as("form" + j));
    }
    // a shuffle between the rows and the projection: no local relation for the optimizer to evaluate
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2).select(select.toArray(new Column[0]));
    List<Row> out = df.collectAsList();
    assertTrue(df.queryExecution().executedPlan().toString().contains("*("), "whole-stage generated code");
    assertEquals(rows.size(), out.size());
    IntFunction<Expression> bound = i -> new BoundReference(i, DataTypes.DoubleType, true);
    List<Expression> interpreted = forms.stream().map(f -> f.apply(bound)).toList();
    int compared = 0;
    for (Row row : out) {
      Object[] in = new Object[n];
      for (int i = 0; i < n; i++) {
        in[i] = row.get(i);
      }
      Object[] expected = java.apply(in);
      InternalRow internal = new GenericInternalRow(in.clone());
      for (int j = 0; j < forms.size(); j++) {
        if (expected[j] == null) {
          continue;
        }
        String what = "form " + j + " on " + Arrays.toString(in);
        same(expected[j], row.get(n + j), "generated code, " + what);
        same(expected[j], interpreted.get(j).eval(internal), "interpreted, " + what);
        compared++;
      }
    }
    assertTrue(compared >= rows.size(), "compared " + compared);
  }

  private static void same(Object expected, Object actual, String what) {
    if (expected instanceof Double e && actual instanceof Double a) {
      boolean equal = Double.isNaN(e) ? Double.isNaN(a) : Double.doubleToRawLongBits(e) == Double.doubleToRawLongBits(a);
      assertTrue(equal, () -> what + ": expected " + e + " (0x" + Long.toHexString(Double.doubleToRawLongBits(e))
          + "), got " + a + " (0x" + Long.toHexString(Double.doubleToRawLongBits(a)) + ")");
    } else {
      assertEquals(expected, actual, what);
    }
  }
}
