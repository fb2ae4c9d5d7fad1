package org.sparklossreport.engine.compiled;

import static org.sparklossreport.engine.compiled.Catalyst.attribute;
import static org.sparklossreport.engine.compiled.Catalyst.lit;
import static org.sparklossreport.engine.compiled.Catalyst.pairPlus;
import static org.sparklossreport.engine.compiled.Catalyst.seq;
import static org.sparklossreport.engine.compiled.Catalyst.times;
import static org.sparklossreport.engine.compiled.Catalyst.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CreateArray;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.DeclarativeAggregate;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.sparklossreport.core.Accumulator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@link Accumulator.Moments} as a Catalyst aggregate: the weighted moments of {@code y} about a shift of
 * the buffer's own (its first valid y), over the rows where {@code valid} holds. The buffer is the
 * block's eight slots in the same order, {@code [K, has K, Σw, Σw(y − K), Σw(y − K)²]} with Neumaier
 * pairs (six with unit weights, see the constructor), and the value is those eight (an array of doubles).
 * The update does what {@code Accumulator.Moments.add} does, calling its shift and deviation functions and
 * {@code Neumaier}'s; the merge is {@code Accumulator.Moments.mergeForm}, written beside the Java merge.
 * {@code y} and {@code w} must not be null (pass 0 for rows that are not valid).
 */
public final class ShiftedMoments extends DeclarativeAggregate {
  private static final long serialVersionUID = 1L;
  private final Expression y;
  private final Expression w;
  private final Expression valid;
  private final AttributeReference[] buffer;

  /** Unit weights (the product form, for Catalyst's reflective copies). */
  public ShiftedMoments(Expression y, Expression valid) {
    this(y, null, valid);
  }

  /** @param w the weight, or null for unit weights */
  public ShiftedMoments(Expression y, Expression w, Expression valid) {
    this.y = y;
    this.w = w;
    this.valid = valid;
    // with unit weights Σw is a count: exact without compensation, and non-zero exactly when the block
    // has a shift, so the buffer keeps neither "has K" nor Σw's compensation (6 slots, not 8)
    String[] names = w == null ? new String[] {"k", "w", "sum", "sum_c", "squares", "squares_c"}
        : new String[] {"k", "has_k", "w", "w_c", "sum", "sum_c", "squares", "squares_c"};
    buffer = new AttributeReference[names.length];
    for (int i = 0; i < buffer.length; i++) {
      buffer[i] = attribute(names[i], DataTypes.DoubleType);
    }
  }

  /** Logical slot i of {@code Accumulator.Moments} (0..7) in the buffer, or in the right-hand buffer. */
  private Expression slot(int i, boolean right) {
    if (w != null) {
      return right ? RichAttribute(buffer[i]).right() : buffer[i];
    }
    return switch (i) {
      case Accumulator.Moments.HAS_K -> slot(Accumulator.Moments.W, right); // 0 exactly when empty
      case Accumulator.Moments.W + 1 -> lit(0.0);
      default -> {
        AttributeReference a = buffer[i == Accumulator.Moments.K ? 0 : i - 1 - (i > Accumulator.Moments.W ? 1 : 0)];
        yield right ? RichAttribute(a).right() : a;
      }
    };
  }

  /** The expressions of logical slots 0..7, kept for the slots the buffer has. */
  private Seq<Expression> physical(Expression... logical) {
    List<Expression> out = new ArrayList<>();
    for (int i = 0; i < logical.length; i++) {
      if (w != null || i != Accumulator.Moments.HAS_K && i != Accumulator.Moments.W + 1) {
        out.add(logical[i]);
      }
    }
    return seq(out);
  }

  private Expression b(int i) {
    return slot(i, false);
  }

  private Expression right(int i) {
    return slot(i, true);
  }

  @Override
  public Seq<AttributeReference> aggBufferAttributes() {
    return seq(List.of(buffer));
  }

  @Override
  public Seq<Expression> initialValues() {
    List<Expression> zeros = new ArrayList<>();
    for (int i = 0; i < buffer.length; i++) {
      zeros.add(lit(0.0));
    }
    return seq(zeros);
  }

  @Override
  public Seq<Expression> updateExpressions() {
    int k = Accumulator.Moments.K;
    int hasK = Accumulator.Moments.HAS_K;
    Expression shift = moments("shift", b(k), b(hasK), y, valid);
    Expression d = moments("deviation", b(k), b(hasK), y, valid); // 0 for a row that is not valid
    Expression zero = lit(0.0);
    Expression[] wSum;
    Expression[] sum;
    Expression[] squares;
    if (w == null) { // unit weights: Σw is a count, exact in a double without compensation
      wSum = new Expression[] {new StaticInvoke(ShiftedMoments.class, DataTypes.DoubleType, "countAfter",
          seq(b(2), valid), seq(List.<AbstractDataType>of()), false, false, true, scala.Option.empty()), b(3)};
      sum = pairPlus(b(4), b(5), d);
      squares = pairPlus(b(6), b(7), times(d, d));
    } else {
      Expression wd = times(w, d);
      wSum = pairPlus(b(2), b(3), when(valid, w, zero));
      sum = pairPlus(b(4), b(5), wd);
      squares = pairPlus(b(6), b(7), times(wd, d));
    }
    return physical(shift, when(valid, lit(1.0), b(hasK)), wSum[0], wSum[1], sum[0], sum[1], squares[0],
        squares[1]);
  }

  /**
   * The unit-weight Σw after a row: n + 1 for a valid row, else n. A call rather than an expression keeps
   * the generated update small enough for the JIT to inline into the aggregation loop.
   */
  public static double countAfter(double n, boolean valid) {
    return valid ? n + 1 : n;
  }

  /** A call to {@code Accumulator.Moments.name(k, hasK, y, valid)}: the Java arithmetic, small code. */
  private static Expression moments(String name, Expression k, Expression hasK, Expression y, Expression valid) {
    return new StaticInvoke(Accumulator.Moments.class, DataTypes.DoubleType, name, seq(k, hasK, y, valid),
        seq(List.<AbstractDataType>of()), false, false, true, scala.Option.empty());
  }

  @Override
  public Seq<Expression> mergeExpressions() {
    return physical(merged(this::b, this::right));
  }

  /**
   * The eight slots of block {@code left} merged with block {@code right} (logical slots 0..7 of
   * {@code Accumulator.Moments}): {@code Accumulator.Moments.mergeForm}, calls of the functions its Java
   * {@code merge} uses.
   */
  static Expression[] merged(IntFunction<Expression> left, IntFunction<Expression> right) {
    return Accumulator.Moments.mergeForm(Catalyst.CALLS, left, right).toArray(new Expression[0]);
  }

  @Override
  public Expression evaluateExpression() {
    return value(this::b);
  }

  /** A block's eight logical slots as an aggregate's value (an array of doubles), "has K" as 0 or 1. */
  static Expression value(IntFunction<Expression> slot) {
    List<Expression> slots = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Expression x = slot.apply(i);
      slots.add(i == Accumulator.Moments.HAS_K ? when(new EqualTo(x, lit(0.0)), lit(0.0), lit(1.0)) : x);
    }
    return new CreateArray(seq(slots), false);
  }

  @Override
  public Seq<Expression> children() {
    return w == null ? seq(y, valid) : seq(y, w, valid);
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public DataType dataType() {
    return DataTypes.createArrayType(DataTypes.DoubleType, false);
  }

  @Override
  public String prettyName() {
    return "shifted_moments";
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> c) {
    return w == null ? new ShiftedMoments(c.apply(0), c.apply(1))
        : new ShiftedMoments(c.apply(0), c.apply(1), c.apply(2));
  }

  @Override
  public int productArity() {
    return w == null ? 2 : 3;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> y;
      case 1 -> w == null ? valid : w;
      case 2 -> {
        if (w == null) {
          throw new IndexOutOfBoundsException(n);
        }
        yield valid;
      }
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof ShiftedMoments;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShiftedMoments m && m.y.equals(y) && Objects.equals(m.w, w) && m.valid.equals(valid);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ShiftedMoments.class, y, w, valid);
  }
}
