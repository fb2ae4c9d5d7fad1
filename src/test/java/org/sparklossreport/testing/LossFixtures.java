package org.sparklossreport.testing;

import java.util.ArrayList;
import java.util.List;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.losses.Losses;

/**
 * Runs losses at the core level, without Spark: rows of (label, prediction, weight) through a one-loss
 * {@link LossSet}. A label or prediction is a {@link Number} (a scalar slot), a {@code double[]} (a
 * vector slot) or null; the weight is a Number, or null for unit weights.
 *
 * <p>Slots: 0 = label, 1 = prediction, 2 = weight.
 */
public final class LossFixtures {
  private LossFixtures() {}

  /** One input row. */
  public record In(Object label, Object prediction, Double weight) {}

  /** A row of unit weight. */
  public static In row(Object label, Object prediction) {
    return new In(label, prediction, null);
  }

  /** A weighted row. */
  public static In row(Object label, Object prediction, double weight) {
    return new In(label, prediction, weight);
  }

  /** Rows of scalar labels and predictions, unit weights. */
  public static List<In> scalars(double[] y, double[] p) {
    List<In> rows = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      rows.add(row(y[i], p[i]));
    }
    return rows;
  }

  /** Rows of vector labels and predictions, unit weights. */
  public static List<In> vectors(double[][] y, double[][] p) {
    List<In> rows = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      rows.add(row(y[i], p[i]));
    }
    return rows;
  }

  /** The shape a value is read as. */
  public static Shape shapeOf(Object v) {
    return v instanceof double[] ? Shape.VECTOR : Shape.SCALAR;
  }

  /**
   * A set of the one loss over slots 0/1/2, with the shapes given; {@code weighted} binds slot 2 as the
   * weight.
   */
  public static LossSet set(Loss loss, Shape label, Shape prediction, boolean weighted) {
    return LossSet.over(3).add(loss, 0, label, 1, prediction, weighted ? 2 : -1).build();
  }

  /** A set for {@code rows}: shapes from the first row, weighted when any row has a weight. */
  public static LossSet setFor(Loss loss, List<In> rows) {
    In first = rows.get(0);
    boolean weighted = rows.stream().anyMatch(r -> r.weight() != null);
    return set(loss, shapeOf(first.label()), shapeOf(first.prediction()), weighted);
  }

  /** Adds {@code rows} to {@code state} (reusing one {@link LossRow}, as the aggregators do). */
  public static LossState reduce(LossSet set, LossState state, List<In> rows) {
    LossRow row = new LossRow(3);
    for (In in : rows) {
      put(row, 0, in.label());
      put(row, 1, in.prediction());
      if (in.weight() == null) {
        row.setScalar(2, 1.0);
      } else {
        row.setScalar(2, in.weight());
      }
      set.add(state, row);
    }
    return state;
  }

  /** The state of {@code rows} from the empty state. */
  public static LossState reduce(LossSet set, List<In> rows) {
    return reduce(set, set.zero(), rows);
  }

  /** Every output of {@code spec} over {@code rows}. */
  public static List<LossResult> results(String spec, List<In> rows) {
    LossSet set = setFor(Losses.parse(spec), rows);
    return set.results(reduce(set, rows));
  }

  /** The value (first output) of {@code spec} over {@code rows}; null when there is none. */
  public static Double value(String spec, List<In> rows) {
    return results(spec, rows).get(0).value();
  }

  /** The value of {@code spec} over the given rows. */
  public static Double value(String spec, In... rows) {
    return value(spec, List.of(rows));
  }

  /** The named output ({@code value} or an extra output) of {@code spec} over {@code rows}. */
  public static Double output(String spec, String output, List<In> rows) {
    Loss loss = Losses.parse(spec);
    int i = output.equals("value") ? 0 : loss.extraOutputs().indexOf(output) + 1;
    if (i == 0 && !output.equals("value")) {
      throw new IllegalArgumentException(spec + " has no output " + output);
    }
    LossSet set = setFor(loss, rows);
    return set.results(reduce(set, rows)).get(i).value();
  }

  private static void put(LossRow row, int slot, Object v) {
    if (v == null) {
      row.setNull(slot);
    } else if (v instanceof double[] d) {
      row.setVector(slot, d);
    } else {
      row.setScalar(slot, ((Number) v).doubleValue());
    }
  }
}
