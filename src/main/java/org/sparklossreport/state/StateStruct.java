package org.sparklossreport.state;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossState;

/**
 * A {@link LossState} as the struct Spark encodes it ({@code Encoders.bean}): fields {@code counts},
 * {@code signature}, {@code sums}, {@code version} in that order. The engines' own state structs may
 * lack {@code signature} (their states carry none); {@link #fromRow} reads both.
 */
public final class StateStruct {
  private StateStruct() {}

  /** The struct type of a state, as {@code Encoders.bean(LossState.class)} encodes it. */
  public static final StructType SCHEMA = Encoders.bean(LossState.class).schema();

  /** The state in struct {@code r} (fields {@code version}, {@code counts}, {@code sums}, optionally {@code signature}). */
  public static LossState fromRow(Row r) {
    Layout at = Layout.of(r);
    LossState s = new LossState();
    s.setVersion(r.getInt(at.version));
    s.setCounts(longs(r.get(at.counts)));
    s.setSums(doubles(r.get(at.sums)));
    if (at.signature >= 0 && !r.isNullAt(at.signature)) {
      s.setSignature(r.getString(at.signature));
    }
    return s;
  }

  /**
   * Where a state struct keeps its fields. Rows of one Dataset share one schema object, so the positions
   * are looked up once per schema, not once per row (the job reads a state per key).
   */
  private record Layout(StructType schema, int counts, int signature, int sums, int version) {
    private static volatile Layout last;

    static Layout of(Row r) {
      Layout l = last;
      StructType t = r.schema();
      if (l != null && t != null && l.schema == t) {
        return l;
      }
      List<String> names = t == null ? FIELDS : List.of(t.fieldNames());
      l = new Layout(t, names.indexOf("counts"), names.indexOf("signature"), names.indexOf("sums"),
          names.indexOf("version"));
      if (t != null) {
        last = l;
      }
      return l;
    }
  }

  private static long[] longs(Object array) {
    if (array instanceof long[] a) {
      return a.clone();
    }
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) array;
    long[] c = new long[seq.length()];
    for (int i = 0; i < c.length; i++) {
      c[i] = ((Number) seq.apply(i)).longValue();
    }
    return c;
  }

  private static double[] doubles(Object array) {
    if (array instanceof double[] a) {
      return a.clone();
    }
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) array;
    double[] d = new double[seq.length()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) seq.apply(i)).doubleValue();
    }
    return d;
  }

  /**
   * Reads states from Spark's internal rows without decoding them into {@link Row}s: a state struct's
   * arrays are copied whole ({@code UnsafeArrayData.toLongArray}), where a {@code Row} would box every
   * element into a Scala sequence first. For the job's passes over hundreds of thousands of key states.
   */
  public record Reader(int fields, int counts, int signature, int sums, int version) implements Serializable {
    /** The state at {@code ordinal} of {@code row} (a struct of this reader's type). */
    public LossState read(InternalRow row, int ordinal) {
      InternalRow st = row.getStruct(ordinal, fields);
      LossState s = new LossState();
      s.setVersion(st.getInt(version));
      s.setCounts(st.getArray(counts).toLongArray());
      s.setSums(st.getArray(sums).toDoubleArray());
      if (signature >= 0 && !st.isNullAt(signature)) {
        s.setSignature(st.getUTF8String(signature).toString());
      }
      return s;
    }
  }

  /** The reader of state structs of type {@code type} (with or without {@code signature}). */
  public static Reader reader(StructType type) {
    List<String> names = List.of(type.fieldNames());
    return new Reader(names.size(), names.indexOf("counts"), names.indexOf("signature"), names.indexOf("sums"),
        names.indexOf("version"));
  }

  /** The fields of {@link #SCHEMA}, in order (the bean encoder orders them by name). */
  public static final List<String> FIELDS = List.of("counts", "signature", "sums", "version");

  static {
    if (!List.of(SCHEMA.fieldNames()).equals(FIELDS)) {
      throw new IllegalStateException("LossState encodes as " + SCHEMA.simpleString() + ", expected fields " + FIELDS);
    }
  }

  /** The state as a row of {@link #SCHEMA}. */
  public static Row toRow(LossState s) {
    return new GenericRowWithSchema(new Object[] {s.getCounts(), s.getSignature(), s.getSums(), s.getVersion()},
        SCHEMA);
  }
}
