package org.sparklossreport.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.losses.Losses;

/**
 * One loss's mergeable state as saved ({@code --states}, {@code docs/STATES.md}): the {@code state}
 * struct of a states table. Independent of the run that made it: counters are keyed by reason name, the
 * input forms are named, and the format version says how to read the rest.
 *
 * <p>Format 1: {@code format} (int, 1), {@code inputs} ({@code scalar,scalar}: the label's form then
 * the prediction's; just the prediction's for a loss without label), {@code rows} (contributing rows),
 * {@code invalid} (map of reason name to rows left out, non-zero entries only), {@code sums} (Σw and its
 * Neumaier compensation, then the loss's own slots as its kernel lays them out in format 1).
 *
 * @param format the format version the state was written in
 * @param inputs the input forms, comma-joined
 * @param rows contributing rows
 * @param invalid rows left out, by reason name
 * @param sums compensated sums
 */
public record SavedState(int format, String inputs, long rows, Map<String, Long> invalid, double[] sums)
    implements Serializable {

  /**
   * The format versions this release reads: every one written so far. It writes
   * {@link LossState#CURRENT_VERSION}, the one version number of every form of a state.
   */
  public static final List<Integer> READABLE = List.of(1);

  /** The one format check of every reader of saved states (tables, binary states, rollups). */
  public static boolean readable(int format) {
    return READABLE.contains(format);
  }

  /** {@code format} when this release reads it, else an {@link IllegalArgumentException} naming it. */
  static int checkFormat(int format) {
    if (!readable(format)) {
      throw new IllegalArgumentException("state format " + format + " is unknown to this release (it reads formats "
          + READABLE + ")");
    }
    return format;
  }

  /** The {@code state} struct. */
  public static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("format", DataTypes.IntegerType, false),
      DataTypes.createStructField("inputs", DataTypes.StringType, false),
      DataTypes.createStructField("rows", DataTypes.LongType, false),
      DataTypes.createStructField("invalid", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType,
          false), false),
      DataTypes.createStructField("sums", DataTypes.createArrayType(DataTypes.DoubleType, false), false)));

  /** Loss {@code i} of {@code set}: its part of {@code state} (a state of the whole set). */
  public static SavedState of(LossSet set, int i, LossState state) {
    BoundLoss b = set.losses().get(i);
    LossState part = set.part(state, i);
    Map<String, Long> invalid = new LinkedHashMap<>();
    for (InvalidReason r : InvalidReason.values()) {
      long n = part.getCounts()[1 + r.ordinal()];
      if (n != 0) {
        invalid.put(r.label(), n);
      }
    }
    return new SavedState(LossState.CURRENT_VERSION, b.inputForms(), part.getCounts()[0], invalid, part.getSums());
  }

  /**
   * The single-loss set whose states these are: the loss of {@code savedSpec} bound to {@code inputs};
   * an {@link IllegalArgumentException} when the spec or the forms are not this release's.
   */
  public static LossSet setOf(String savedSpec, String inputs) {
    List<Shape> shapes = new ArrayList<>();
    for (String f : inputs.split(",")) {
      try {
        shapes.add(Shape.valueOf(f.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("state of " + savedSpec + ": unknown input form '" + f
            + "' (expected scalar or vector)");
      }
    }
    Shape label = shapes.size() == 2 ? shapes.get(0) : null;
    try {
      return LossSet.single(Losses.parse(savedSpec), label, shapes.get(shapes.size() - 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("state of " + savedSpec + " [" + inputs + "]: " + e.getMessage(), e);
    }
  }

  /** The struct row of {@link #SCHEMA} (which {@link #fromRow} reads back). */
  public Row toRow() {
    return new GenericRowWithSchema(new Object[] {format, inputs, rows,
        scala.jdk.javaapi.CollectionConverters.asScala(invalid), sums}, SCHEMA);
  }

  /**
   * Reads a {@code state} struct of any {@link #READABLE} format; an {@link IllegalArgumentException}
   * naming the format otherwise. Fields are found by name, so later formats may add fields.
   */
  public static SavedState fromRow(Row r) {
    checkFormat(r.getInt(r.fieldIndex("format")));
    return readFormat1(r); // the one format so far: a later one adds its reader here
  }

  private static SavedState readFormat1(Row r) {
    Map<String, Long> invalid = new LinkedHashMap<>();
    Map<Object, Object> m = r.getJavaMap(r.fieldIndex("invalid"));
    m.forEach((k, v) -> invalid.put(String.valueOf(k), ((Number) v).longValue()));
    double[] s = StateStruct.doubles(r.get(r.fieldIndex("sums")));
    return new SavedState(1, r.getString(r.fieldIndex("inputs")), r.getLong(r.fieldIndex("rows")), invalid, s);
  }

  /**
   * The state in the layout of {@link LossSet#single} of its loss; an {@link IllegalArgumentException}
   * for a reason this release does not know or sums of another length.
   */
  public LossState toState(LossSet single) {
    LossState s = single.zero();
    if (s.getSums().length != sums.length) {
      throw new IllegalArgumentException("state of " + single.losses().get(0).loss().savedSpec() + " holds "
          + sums.length + " sums, expected " + s.getSums().length);
    }
    System.arraycopy(sums, 0, s.getSums(), 0, sums.length);
    long[] c = s.getCounts();
    c[0] = rows;
    invalid.forEach((name, n) -> c[1 + reason(name).ordinal()] += n);
    return s;
  }

  private static InvalidReason reason(String name) {
    for (InvalidReason r : InvalidReason.values()) {
      if (r.label().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("state counts invalid rows of reason '" + name
        + "', unknown to this release");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SavedState s && format == s.format && rows == s.rows && inputs.equals(s.inputs)
        && invalid.equals(s.invalid) && Arrays.equals(sums, s.sums);
  }

  @Override
  public int hashCode() {
    return 31 * inputs.hashCode() + Arrays.hashCode(sums);
  }

  @Override
  public String toString() {
    return "SavedState{format " + format + ", " + inputs + ", rows " + rows + ", invalid " + invalid + ", sums "
        + Arrays.toString(sums) + "}";
  }
}
